// The Debian packages the test suite drives for real, installed on Debian/Ubuntu when missing (as Playwright's install-deps does).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

/** package name -> a binary that proves it is installed */
const PACKAGES = {
  chromium: 'chromium', // the dashboard's end-to-end tests (Playwright drives it)
  xvfb: 'Xvfb', // a real X display for the daemon's dialogs, apps and screenshots
  zenity: 'zenity', // the daemon's native confirmation dialog on Linux
  xdotool: 'xdotool', // answers those dialogs in tests
  imagemagick: 'import', // the daemon's X11 screenshot
  mosquitto: 'mosquitto', // a real MQTT broker for the daemon's MQTT adapter
};

const onPath = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

function missingPackages() {
  return Object.entries(PACKAGES)
    .filter(([, bin]) => !onPath(bin))
    .map(([pkg]) => pkg);
}

/** Installs what is missing where apt can; otherwise explains what to install. Returns true when all are present. */
function ensureSystemPackages(log = console.log) {
  const missing = missingPackages();
  if (missing.length === 0) return true;
  const isDebian = fs.existsSync('/etc/debian_version');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !isRoot && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!isDebian || (!isRoot && !sudo)) {
    log(`Missing system packages: ${missing.join(', ')}.`);
    log(isDebian ? `Install them with: sudo apt-get install -y ${missing.join(' ')}` : 'Install them with your package manager (Debian/Ubuntu names shown), then run npm test again.');
    return false;
  }
  log(`Installing missing system packages: ${missing.join(', ')} …`);
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    return spawnSync(cmd, rest, { stdio: 'inherit', env }).status === 0;
  };
  if (!run(['apt-get', 'update', '-qq']) || !run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing])) {
    log(`Could not install ${missing.join(', ')} with apt-get; install them by hand and run npm test again.`);
    return false;
  }
  const still = missingPackages();
  if (still.length) log(`Still missing after install: ${still.join(', ')}.`);
  return still.length === 0;
}

module.exports = { PACKAGES, missingPackages, ensureSystemPackages };
