// The real jarvis-daemon process and a tiny app-side client over a real socket: pairing, signed replies, every refusal and its audit row.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CompactSign, compactVerify } from 'jose';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYP, DaemonMessage, KILL_TYP, MAX_MESSAGE_BYTES, REPLY_TYP, ReplyClaims, type CommandClaims } from '../../src-daemon/protocol';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'jarvis-daemon.cjs');
const nowS = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jarvis-daemon-test-'));
  const caps = {
    version: 1,
    capabilities: {
      noop: { risk: 'none', confirm: 'never' },
      open_app: { risk: 'low', confirm: 'never', apps: { 'true-app': { linux: ['true'], darwin: ['true'], win32: ['cmd.exe', '/c', 'exit'] } } },
    },
  };
  fs.writeFileSync(path.join(home, 'capabilities.json'), JSON.stringify(caps));
  return home;
}

function cli(home: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, JARVIS_DAEMON_HOME: home, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface DaemonProcess {
  child: ChildProcess;
  url: string;
  daemonId: string;
  stop(signal: NodeJS.Signals): Promise<void>;
}

async function startDaemonProcess(home: string): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, JARVIS_DAEMON_HOME: home, JARVIS_DAEMON_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the daemon did not start:\n${out}`)), 20_000);
    child.stdout?.on('data', () => {
      const found = /listening on ws:\/\/127\.0\.0\.1:(\d+) \(id ([0-9a-f]{64})\)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(() => reject(new Error(`the daemon exited:\n${out}`)));
  });
  return {
    child,
    url: `ws://127.0.0.1:${m[1]}`,
    daemonId: m[2] as string,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The app side: an Ed25519 key (node:crypto) that mints tokens with jose's CompactSign. */
class TestApp {
  readonly privateKey: crypto.KeyObject;
  readonly raw: Buffer;
  readonly fingerprint: string;
  constructor(readonly name: string) {
    const pair = crypto.generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.raw = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    this.fingerprint = crypto.createHash('sha256').update(this.raw).digest('hex');
  }
  claims(daemonId: string, over: Partial<CommandClaims> = {}): CommandClaims {
    const iat = nowS();
    return { iss: this.fingerprint, aud: daemonId, jti: crypto.randomBytes(18).toString('base64url'), iat, exp: iat + 30, cap: 'noop', args: {}, risk: 'none', approval: 'A2×none', trace: 'trace-1', ...over };
  }
  sign(payload: unknown, header: Record<string, unknown> = { alg: 'EdDSA', typ: COMMAND_TYP }): Promise<string> {
    return new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(this.privateKey);
  }
}

type Hello = Extract<DaemonMessage, { type: 'hello' }>;

/** One socket with a buffer of parsed messages, so a test can wait for the one it expects. */
class Conn {
  private readonly inbox: DaemonMessage[] = [];
  private wake: (() => void) | null = null;
  closed: Promise<number>;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.inbox.push(DaemonMessage.parse(JSON.parse(data.toString())));
      this.wake?.();
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
  }
  static async open(url: string): Promise<{ conn: Conn; hello: Hello }> {
    const conn = new Conn(new WebSocket(url));
    const hello = (await conn.next((m) => m.type === 'hello')) as Hello;
    return { conn, hello };
  }
  async next(match: (m: DaemonMessage) => boolean, timeoutMs = 10_000): Promise<DaemonMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as DaemonMessage;
      if (Date.now() > deadline) throw new Error(`no matching message; inbox: ${JSON.stringify(this.inbox)}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }
  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }
  close(): void {
    this.ws.close();
  }
}

let seq = 0;
/** Sends a command and returns the reply's claims, verified with the daemon key the hello announced. */
async function command(conn: Conn, hello: Hello, token: string): Promise<ReplyClaims & { id: string }> {
  const id = `c${++seq}`;
  conn.send({ type: 'command', id, token });
  const msg = await conn.next((m) => m.type === 'result' && m.id === id);
  if (msg.type !== 'result') throw new Error('unreachable');
  const daemonKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: hello.daemon_key }, format: 'jwk' });
  const verified = await compactVerify(msg.reply, daemonKey, { algorithms: ['EdDSA'] });
  expect(verified.protectedHeader.typ).toBe(REPLY_TYP);
  const claims = ReplyClaims.parse(JSON.parse(Buffer.from(verified.payload).toString()));
  expect(claims.iss).toBe(hello.daemon_id);
  return { ...claims, id };
}

function auditRows(home: string, type: string): Record<string, unknown>[] {
  const db = new Database(path.join(home, 'daemon.db'), { readonly: true });
  try {
    return (db.prepare('SELECT payload FROM audit_events WHERE type = ? ORDER BY id').pluck().all(type) as string[]).map((p) => JSON.parse(p) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

async function pair(daemon: DaemonProcess, home: string, app: TestApp): Promise<void> {
  const printed = cli(home, ['pair']);
  expect(printed.code).toBe(0);
  const code = /Pairing code[^\n]*\n\s+(\S+)/.exec(printed.stdout)?.[1] ?? '';
  expect(code.length).toBeGreaterThanOrEqual(22);
  expect(printed.stdout).toContain(daemon.daemonId);
  const { conn, hello } = await Conn.open(daemon.url);
  const proof = crypto.createHmac('sha256', code).update(`${app.raw.toString('base64url')}.${hello.daemon_id}`).digest('base64url');
  conn.send({ type: 'pair', app_key: app.raw.toString('base64url'), app_name: app.name, proof });
  expect(await conn.next((m) => m.type === 'paired' || m.type === 'error')).toEqual({ type: 'paired', daemon_id: hello.daemon_id, daemon_key: hello.daemon_key, app_fingerprint: app.fingerprint });
  conn.close();
}

describe('jarvis-daemon over a real socket', () => {
  const home = tempHome();
  const app = new TestApp('Jarvis test app');
  let daemon: DaemonProcess;
  let conn: Conn;
  let hello: Hello;

  beforeAll(async () => {
    daemon = await startDaemonProcess(home);
    await pair(daemon, home, app);
    ({ conn, hello } = await Conn.open(daemon.url));
  });
  afterAll(async () => {
    conn?.close();
    await daemon?.stop('SIGTERM');
  });

  it('pairs the two processes; a noop returns a reply signed by the key from hello; a wrong code is refused', async () => {
    expect(hello).toMatchObject({ daemon_id: daemon.daemonId, protocol: 1 });
    const claims = app.claims(daemon.daemonId);
    const reply = await command(conn, hello, await app.sign(claims));
    expect(reply).toMatchObject({ ok: true, aud: app.fingerprint, in_reply_to: claims.jti, output: { ok: true } });
    expect(auditRows(home, 'command.succeeded').some((r) => r.jti === claims.jti)).toBe(true);

    const intruder = new TestApp('intruder');
    conn.send({ type: 'pair', app_key: intruder.raw.toString('base64url'), app_name: 'intruder', proof: crypto.randomBytes(32).toString('base64url') });
    expect(await conn.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'bad_pairing_code' } });
    expect(auditRows(home, 'pairing.refused').some((r) => r.app_fingerprint === intruder.fingerprint)).toBe(true);
  });

  it('opens an allow-listed app through the real capability runner', async () => {
    const reply = await command(conn, hello, await app.sign(app.claims(daemon.daemonId, { cap: 'open_app', args: { app: 'true-app' }, risk: 'low' })));
    expect(reply).toMatchObject({ ok: true });
  });

  it('refuses every bad token with its code, and records each refusal in its own audit trail', async () => {
    const stranger = new TestApp('never paired');
    const id = daemon.daemonId;
    const now = nowS();
    const plain = (over: Partial<CommandClaims> = {}) => app.claims(id, over);
    const unsigned = (header: unknown, payload: unknown) => `${b64(header)}.${b64(payload)}.`;
    const hs256 = (secret: Buffer, payload: unknown) => {
      const input = `${b64({ alg: 'HS256', typ: COMMAND_TYP })}.${b64(payload)}`;
      return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const publicPem = Buffer.from(crypto.createPublicKey(app.privateKey).export({ type: 'spki', format: 'pem' }));
    const tampered = async () => {
      const [h, , s] = (await app.sign(plain({ cap: 'open_app', args: { app: 'true-app' } }))).split('.');
      return `${h}.${b64(plain({ cap: 'open_app', args: { app: 'calculator' } }))}.${s}`;
    };
    const { jti: _jti, ...noJti } = plain();
    const cases: [string, () => Promise<string>, string][] = [
      ['signed by another key', async () => stranger.sign({ ...plain() }), 'bad_signature'],
      ['unpaired key', async () => stranger.sign(stranger.claims(id)), 'unpaired_key'],
      ['alg none', async () => unsigned({ alg: 'none', typ: COMMAND_TYP }, plain()), 'bad_algorithm'],
      ['HS256 keyed with the raw public key', async () => hs256(app.raw, plain()), 'bad_algorithm'],
      ['HS256 keyed with the PEM public key', async () => hs256(publicPem, plain()), 'bad_algorithm'],
      ['wrong typ', async () => app.sign(plain(), { alg: 'EdDSA', typ: 'JWT' }), 'bad_typ'],
      ['wrong aud', async () => app.sign(plain({ aud: 'f'.repeat(64) })), 'wrong_audience'],
      ['expired', async () => app.sign(plain({ iat: now - 100, exp: now - 50 })), 'expired'],
      ['lives too long', async () => app.sign(plain({ iat: now, exp: now + 3600 })), 'lifetime_too_long'],
      ['issued in the future', async () => app.sign(plain({ iat: now + 60, exp: now + 90 })), 'issued_in_future'],
      ['missing jti', async () => app.sign(noJti), 'missing_jti'],
      ['argument changed after signing', tampered, 'bad_signature'],
      ['capability not whitelisted', async () => app.sign(plain({ cap: 'screenshot' })), 'not_whitelisted'],
      ['extra argument', async () => app.sign(plain({ args: { sneaky: true } })), 'args_mismatch'],
      ['app outside the allow-list', async () => app.sign(plain({ cap: 'open_app', args: { app: 'calculator' }, risk: 'low' })), 'outside_allow_list'],
      ['not a JWS', async () => 'not-a-token', 'malformed'],
    ];
    for (const [name, make, code] of cases) {
      const reply = await command(conn, hello, await make());
      expect({ name, ok: reply.ok, code: reply.error?.code }).toEqual({ name, ok: false, code });
      const refused = auditRows(home, 'command.refused').find((r) => r.id === reply.id);
      expect({ name, code: refused?.code }).toEqual({ name, code });
      expect(JSON.stringify(refused)).not.toMatch(/eyJ/); // no token material in the record
    }

    const once = await app.sign(plain());
    expect((await command(conn, hello, once)).ok).toBe(true);
    const again = await command(conn, hello, once);
    expect(again.error?.code).toBe('replayed');
    expect(auditRows(home, 'command.refused').find((r) => r.id === again.id)?.code).toBe('replayed');
  });

  it('remembers a spent jti across a SIGKILL and restart', async () => {
    const token = await app.sign(app.claims(daemon.daemonId));
    expect((await command(conn, hello, token)).ok).toBe(true);
    conn.close();
    await daemon.stop('SIGKILL');
    daemon = await startDaemonProcess(home);
    ({ conn, hello } = await Conn.open(daemon.url));
    expect(hello.daemon_id).toBe(daemon.daemonId);
    const replay = await command(conn, hello, token);
    expect(replay.error?.code).toBe('replayed');
    expect(auditRows(home, 'command.refused').find((r) => r.id === replay.id)?.code).toBe('replayed');
    expect((await command(conn, hello, await app.sign(app.claims(daemon.daemonId)))).ok).toBe(true);
  });

  it('after an unclean stop refuses unspent tokens issued before the restart (a power cut may have lost their nonces); after a clean stop it does not', async () => {
    const t = nowS() - 2;
    const unspent = await app.sign(app.claims(daemon.daemonId, { iat: t, exp: t + 40 }));
    const unspentToo = await app.sign(app.claims(daemon.daemonId, { iat: t, exp: t + 40 }));
    conn.close();
    await daemon.stop('SIGKILL');
    daemon = await startDaemonProcess(home);
    ({ conn, hello } = await Conn.open(daemon.url));
    const refused = await command(conn, hello, unspent);
    expect(refused.error?.code).toBe('issued_before_restart');
    expect(auditRows(home, 'command.refused').find((r) => r.id === refused.id)?.code).toBe('issued_before_restart');
    expect(auditRows(home, 'daemon.started').at(-1)?.after_unclean_stop).toBe(true);
    expect((await command(conn, hello, await app.sign(app.claims(daemon.daemonId)))).ok).toBe(true);

    conn.close();
    await daemon.stop('SIGTERM');
    daemon = await startDaemonProcess(home);
    ({ conn, hello } = await Conn.open(daemon.url));
    expect(auditRows(home, 'daemon.started').at(-1)?.after_unclean_stop).toBe(false);
    expect((await command(conn, hello, unspentToo)).ok).toBe(true);
  });

  it('unpair takes effect at once on the running daemon', async () => {
    const other = new TestApp('second app');
    await pair(daemon, home, other);
    expect((await command(conn, hello, await other.sign(other.claims(daemon.daemonId)))).ok).toBe(true);
    const res = cli(home, ['unpair', 'second app']);
    expect(res.code).toBe(0);
    const after = await command(conn, hello, await other.sign(other.claims(daemon.daemonId)));
    expect(after.error?.code).toBe('unpaired_key');
    expect(auditRows(home, 'command.refused').find((r) => r.id === after.id)?.code).toBe('unpaired_key');
    expect(cli(home, ['status']).stdout).toMatch(/"second app"\s+unpaired/);
  });

  it('survives malformed, oversized and flooding input; a later command still works', async () => {
    conn.send('not json');
    conn.send('{"type":"bogus"}');
    conn.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    for (let i = 0; i < 3; i++) expect(await conn.next((m) => m.type === 'error')).toMatchObject({ error: { code: 'malformed' } });
    conn.send({ type: 'ping', id: 'p1' });
    expect(await conn.next((m) => m.type === 'pong')).toEqual({ type: 'pong', id: 'p1' });
    expect(auditRows(home, 'message.refused').length).toBeGreaterThanOrEqual(3);

    const big = await Conn.open(daemon.url);
    big.conn.send('x'.repeat(MAX_MESSAGE_BYTES + 1024));
    expect(await big.conn.closed).toBe(1009);

    const flood = await Conn.open(daemon.url);
    for (let i = 0; i < 5000 && flood.conn.ws.readyState === WebSocket.OPEN; i++) flood.conn.send({ type: 'ping' });
    expect(await flood.conn.closed).toBe(1008);
    expect(auditRows(home, 'connection.closed').some((r) => String(r.reason).includes('messages a second'))).toBe(true);

    expect((await command(conn, hello, await app.sign(app.claims(daemon.daemonId)))).ok).toBe(true);
  });

  it('the kill switch refuses every token minted before it, across a restart', async () => {
    const before = await app.sign(app.claims(daemon.daemonId));
    const beforeToo = await app.sign(app.claims(daemon.daemonId));
    const t = nowS();
    conn.send({ type: 'kill', token: await app.sign({ iss: app.fingerprint, aud: daemon.daemonId, jti: crypto.randomBytes(18).toString('base64url'), iat: t, exp: t + 30, kill_before: t + 1 }, { alg: 'EdDSA', typ: KILL_TYP }) });
    expect(await conn.next((m) => m.type === 'killed')).toEqual({ type: 'killed', kill_before: t + 1 });
    const refused = await command(conn, hello, before);
    expect(refused.error?.code).toBe('killed');
    expect(auditRows(home, 'command.refused').find((r) => r.id === refused.id)?.code).toBe('killed');
    // Minted after the watermark (within the allowed clock skew): accepted.
    expect((await command(conn, hello, await app.sign(app.claims(daemon.daemonId, { iat: t + 2, exp: t + 30 })))).ok).toBe(true);

    conn.close();
    await daemon.stop('SIGKILL');
    daemon = await startDaemonProcess(home);
    ({ conn, hello } = await Conn.open(daemon.url));
    expect((await command(conn, hello, beforeToo)).error?.code).toBe('killed');
  });

  it('its audit chain verifies, and a bad setting stops it with words', () => {
    const verified = cli(home, ['audit', 'verify']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const bad = cli(home, ['serve'], { JARVIS_DAEMON_PORT: 'seventy' });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toMatch(/JARVIS_DAEMON_PORT="seventy".*0 to 65535/);
  });
});
