// `npm start`: the desktop app where Electron's runtime can be installed and a display exists; otherwise headless, saying why.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { electronDir, installedElectron, hasDisplay } = require('./electron-runtime.cjs');

const root = path.join(__dirname, '..');

function runHeadless(reason) {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'jarvis.cjs'), 'serve'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, JARVIS_HEADLESS_REASON: reason },
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

/**
 * better-sqlite3 in node_modules is built for Node's ABI (tests and `jarvis serve` use it). Electron needs
 * its own build: made once per Electron version in a scratch copy, kept in out/native, and handed to the
 * core through JARVIS_SQLITE_BINDING, so the Node build is never replaced.
 */
function electronSqliteBinding() {
  const version = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  const target = path.join(root, 'out', 'native', `electron-${version}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
  if (fs.existsSync(target)) return target;
  const gyp = process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!gyp || !fs.existsSync(gyp)) return null;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-sqlite-'));
  try {
    fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), scratch, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
    console.log(`jarvis: building SQLite for Electron ${version} (once)…`);
    const args = [gyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'];
    const res = spawnSync(process.execPath, args, { cwd: scratch, stdio: 'inherit' });
    const built = path.join(scratch, 'build', 'Release', 'better_sqlite3.node');
    if (res.status !== 0 || !fs.existsSync(built)) return null;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(built, target);
    return target;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function main() {
  if (process.env.JARVIS_HEADLESS === '1') return runHeadless('JARVIS_HEADLESS=1 is set.');
  if (!hasDisplay()) return runHeadless('no display was found (DISPLAY and WAYLAND_DISPLAY are unset).');
  let electron = installedElectron();
  if (!electron) {
    console.log('jarvis: fetching the Electron runtime (once)…');
    const fetched = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
    electron = fetched.status === 0 ? installedElectron() : null;
    if (!electron) {
      const why = (fetched.stderr ?? '').toString().split('\n').find((l) => l.trim()) ?? 'download failed';
      return runHeadless(`the Electron runtime is not installed and could not be fetched (${why.trim().slice(0, 160)}).`);
    }
  }
  const build = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) return runHeadless('the desktop app failed to build; see the errors above.');
  const binding = electronSqliteBinding();
  if (!binding) return runHeadless('SQLite could not be built for Electron (node-gyp needs a compiler and Electron\'s headers).');
  const app = spawn(electron, [root], { cwd: root, stdio: 'inherit', env: { ...process.env, JARVIS_SQLITE_BINDING: binding } });
  app.on('exit', (code) => process.exit(code ?? 0));
}

main();
