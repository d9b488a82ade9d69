// The `jarvis-daemon` command: serve (default), pair, unpair, status, audit verify. Bad arguments get usage and exit 2.
import { parseArgs } from 'node:util';
import { verifyAudit } from './audit';
import { CapabilitiesFileError } from './capabilities';
import { loadIdentity } from './identity';
import { IotConfigError, loadIotFile, loadSecrets, saveSecrets } from './iot/files';
import { createPairingCode } from './pairing';
import { startDaemon } from './server';
import { DaemonConfigError, loadDaemonSettings } from './settings';
import { openStore, type PairedApp } from './store';

const USAGE = `Usage:
  jarvis-daemon [serve]                  run the daemon (WebSocket on JARVIS_DAEMON_BIND:JARVIS_DAEMON_PORT)
  jarvis-daemon pair                     print a one-time pairing code (valid 5 minutes) for \`jarvis daemon pair\`
  jarvis-daemon unpair <fingerprint|name>  stop trusting an app at once (a running daemon included)
  jarvis-daemon status [--json]          this daemon's id, key fingerprint, paired apps and kill switch
  jarvis-daemon audit verify [--json]    check the daemon's audit chain; exit 0 if intact, 1 if broken
  jarvis-daemon iot secret <ha-token|mqtt-password>  read a secret from standard input into the 0600 secrets file
  jarvis-daemon iot show                 the home settings (iot.json) and which secrets are set (never their values)

Environment: JARVIS_DAEMON_HOME (data folder), JARVIS_DAEMON_PORT (default 7724; 0 picks a free port),
JARVIS_DAEMON_BIND (default 127.0.0.1; another address only for a daemon other hosts must reach).`;

class UsageError extends Error {}

function noMoreArgs(command: string, rest: string[]): void {
  if (rest.length > 0) throw new UsageError(`"jarvis-daemon ${command}" takes no arguments (got "${rest.join(' ')}").`);
}

async function serve(): Promise<number> {
  const settings = loadDaemonSettings();
  const daemon = await startDaemon({ home: settings.home, port: settings.port, bind: settings.bind, log: (line) => console.log(`[daemon] ${line}`) });
  console.log(
    [
      `Jarvis daemon listening on ${daemon.url} (id ${daemon.daemonId})`,
      `  Key fingerprint: ${daemon.fingerprint}`,
      `  Data folder: ${settings.home}`,
      settings.bind === '127.0.0.1' || settings.bind === '::1' ? '  Only this host can connect.' : `  Listening on ${settings.bind}: other hosts can connect (commands still need a paired key).`,
      '  Pair an app: run `jarvis-daemon pair` and give the code to `jarvis daemon pair`. Press Ctrl+C to stop.',
    ].join('\n'),
  );
  const shutdown = (signal: string) => {
    console.log(`\n${signal} received: stopping the daemon…`);
    daemon.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('The daemon did not stop cleanly:', (err as Error).message);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return -1; // keeps running
}

function describeApp(app: PairedApp): string {
  const state = app.unpaired_at ? `unpaired ${app.unpaired_at}` : `paired ${app.paired_at}`;
  return `  ${app.fingerprint}  ${JSON.stringify(app.name)}  ${state}`;
}

function unpair(home: string, which: string): number {
  const store = openStore(home);
  try {
    const active = store.apps().filter((a) => !a.unpaired_at);
    const byFingerprint = active.filter((a) => a.fingerprint === which.toLowerCase());
    const matches = byFingerprint.length ? byFingerprint : active.filter((a) => a.name === which);
    if (matches.length === 0) {
      console.error(`No paired app has the fingerprint or name "${which}". Paired apps:\n${active.map(describeApp).join('\n') || '  (none)'}`);
      return 1;
    }
    if (matches.length > 1) {
      console.error(`${matches.length} paired apps are named "${which}"; give the fingerprint instead:\n${matches.map(describeApp).join('\n')}`);
      return 1;
    }
    const app = matches[0] as PairedApp;
    store.transaction(() => {
      store.unpair([app.fingerprint]);
      store.audit.append('app.unpaired', app.fingerprint, { app_fingerprint: app.fingerprint, app_name: app.name, by: 'cli' });
    });
    console.log(`Unpaired ${JSON.stringify(app.name)} (${app.fingerprint}). Its commands are refused from now on, by a running daemon too.`);
    return 0;
  } finally {
    store.close();
  }
}

function status(home: string, json: boolean): number {
  const identity = loadIdentity(home);
  const store = openStore(home);
  try {
    const apps = store.apps();
    const killBefore = store.killBefore();
    const pending = store.pairingCode();
    const nowS = Math.floor(Date.now() / 1000);
    const pairing = pending && pending.expires_at > nowS ? new Date(pending.expires_at * 1000).toISOString() : null;
    if (json) {
      const out = { daemon_id: identity.daemonId, fingerprint: identity.fingerprint, home, kill_before: killBefore, pairing_code_expires_at: pairing, apps: apps.map((a) => ({ fingerprint: a.fingerprint, name: a.name, paired_at: a.paired_at, unpaired_at: a.unpaired_at })) };
      console.log(JSON.stringify(out, null, 2));
      return 0;
    }
    console.log(
      [
        `Daemon id: ${identity.daemonId}`,
        `Key fingerprint: ${identity.fingerprint}`,
        `Data folder: ${home}`,
        `Kill switch: ${killBefore > 0 ? `commands issued before ${new Date(killBefore * 1000).toISOString()} are refused` : 'never used'}`,
        `Pairing code: ${pairing ? `one pending, valid until ${pairing}` : 'none pending'}`,
        `Apps:`,
        apps.length ? apps.map(describeApp).join('\n') : '  (none paired)',
      ].join('\n'),
    );
    return 0;
  } finally {
    store.close();
  }
}

function auditVerify(home: string, json: boolean): number {
  const store = openStore(home, { readonly: true });
  try {
    const result = verifyAudit(store.db);
    if (json) console.log(JSON.stringify(result, null, 2));
    else if (result.ok) console.log(`Daemon audit chain intact: ${result.rows} rows, head ${result.head_hash.slice(0, 16)}….`);
    else console.error(`Daemon audit chain BROKEN at row ${result.broken?.id ?? '?'} (${result.broken?.reason}): ${result.broken?.message}`);
    return result.ok ? 0 : 1;
  } finally {
    store.close();
  }
}

const SECRET_NAMES = { 'ha-token': 'ha_token', 'mqtt-password': 'mqtt_password' } as const;

/** Reads the secret from stdin, never from argv (which other users can see in the process list). */
async function setSecret(home: string, which: string): Promise<number> {
  const key = SECRET_NAMES[which as keyof typeof SECRET_NAMES];
  if (!key) throw new UsageError(`"jarvis-daemon iot secret" takes ha-token or mqtt-password (got "${which}").`);
  if (process.stdin.isTTY) console.error(`Type the ${which} and press Enter (it is not shown back):`);
  let text = '';
  for await (const chunk of process.stdin) text += (chunk as Buffer).toString('utf8');
  const value = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!value) {
    console.error(`No ${which} was given on standard input; nothing changed.`);
    return 1;
  }
  const store = openStore(home);
  try {
    saveSecrets(home, { ...loadSecrets(home), [key]: value });
    store.audit.append('iot.secret_set', key, { which: key, by: 'cli' });
  } finally {
    store.close();
  }
  console.log(`Stored the ${which} in the daemon's private secrets file. Restart the daemon to connect with it.`);
  return 0;
}

function showIot(home: string): number {
  const secrets = loadSecrets(home);
  console.log(JSON.stringify({ ...loadIotFile(home), secrets: { ha_token: secrets.ha_token !== undefined, mqtt_password: secrets.mqtt_password !== undefined } }, null, 2));
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'serve':
      noMoreArgs('serve', rest);
      return serve();
    case 'pair': {
      noMoreArgs('pair', rest);
      const { home } = loadDaemonSettings();
      const code = createPairingCode(home);
      console.log(
        [
          `Pairing code (one use, valid until ${code.expiresAt}):`,
          `  ${code.code}`,
          `Daemon id: ${code.daemonId}`,
          `Daemon key fingerprint: ${code.fingerprint}`,
          'On the Jarvis side run: jarvis daemon pair ws://<this host>:<port> <code>',
        ].join('\n'),
      );
      return 0;
    }
    case 'unpair': {
      const [which, ...extra] = rest;
      if (!which || extra.length) throw new UsageError('"jarvis-daemon unpair" needs exactly one app: its fingerprint or its name.');
      return unpair(loadDaemonSettings().home, which);
    }
    case 'status': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, strict: true });
      return status(loadDaemonSettings().home, values.json);
    }
    case 'audit': {
      const [sub, ...more] = rest;
      if (sub !== 'verify') throw new UsageError(sub === undefined ? '"jarvis-daemon audit" needs a subcommand: verify.' : `Unknown audit subcommand "${sub}": use verify.`);
      const { values } = parseArgs({ args: more, options: { json: { type: 'boolean', default: false } }, strict: true });
      return auditVerify(loadDaemonSettings().home, values.json);
    }
    case 'iot': {
      const [sub, ...more] = rest;
      if (sub === 'secret' && more.length === 1) return setSecret(loadDaemonSettings().home, more[0] ?? '');
      if (sub === 'show' && more.length === 0) return showIot(loadDaemonSettings().home);
      throw new UsageError('"jarvis-daemon iot" takes: secret <ha-token|mqtt-password>, or show.');
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    const code = await run(argv);
    if (code >= 0) process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof DaemonConfigError || err instanceof CapabilitiesFileError || err instanceof IotConfigError) {
      console.error(`The Jarvis daemon cannot start: ${err.message}`);
      process.exitCode = 78;
    } else {
      console.error(`jarvis-daemon failed: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}
