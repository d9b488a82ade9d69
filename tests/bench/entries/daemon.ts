// Daemon bench: a signed command's whole round trip (sign → send → verify → noop → signed reply → verify) beside a bare WebSocket echo.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WebSocketServer, WebSocket } from 'ws';
import { startDaemon, createPairingCode } from '../../../src-daemon';
import { openCore } from '../../../src-main/core';
import { loadSettings } from '../../../src-main/core/config';
import { DaemonClient, loadAppIdentity } from '../../../src-main/core/integrations/daemon';
import { median, nsToUs, percentile, row, type BenchContext, type BenchEntry, type BenchRow } from '../harness';

const N = Number(process.env.BENCH_DAEMON_N ?? 300);
const ROUNDS = 5;

async function echoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data.toString())));
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => wss.close(() => resolve())) };
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const daemonHome = ctx.tempDir('daemon');
  fs.writeFileSync(path.join(daemonHome, 'capabilities.json'), JSON.stringify({ version: 1, capabilities: { noop: { risk: 'none', confirm: 'never' } } }));
  const daemon = await startDaemon({ home: daemonHome, port: 0 });
  const core = openCore(loadSettings({ env: { JARVIS_HOME: ctx.tempDir('app') } }), { heartbeat: false });
  const client = new DaemonClient(core.db, core.audit, loadAppIdentity(core.settings.home), 'bench');
  const echo = await echoServer();
  const ws = new WebSocket(echo.url);
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  try {
    await client.pair(daemon.url, createPairingCode(daemonHome).code);
    // The echo carries a message of a command's size, so the bytes on the wire are alike.
    const payload = JSON.stringify({ type: 'command', id: 'c1', token: 'x'.repeat(620) });
    const echoOnce = () =>
      new Promise<void>((resolve) => {
        ws.once('message', () => resolve());
        ws.send(payload);
      });
    const command = () => client.command('noop', {}, { risk: 'none', approval: 'bench', trace: 'bench' });
    for (let i = 0; i < 20; i++) {
      await command();
      await echoOnce();
    }
    const cmd: number[] = [];
    const bare: number[] = [];
    let cmdWall = 0n;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N / ROUNDS; i++) {
        const s = process.hrtime.bigint();
        await command();
        cmd.push(nsToUs(process.hrtime.bigint() - s));
      }
      cmdWall += process.hrtime.bigint() - t0;
      for (let i = 0; i < N / ROUNDS; i++) {
        const s = process.hrtime.bigint();
        await echoOnce();
        bare.push(nsToUs(process.hrtime.bigint() - s));
      }
    }
    // The least any signed round trip can cost here: the four Ed25519 operations (app signs, daemon
    // verifies, daemon signs the reply, app verifies it) on messages of the same size, with no I/O.
    const keys = crypto.generateKeyPairSync('ed25519');
    const message = Buffer.from(payload);
    const crypto4: number[] = [];
    for (let i = 0; i < N; i++) {
      const s = process.hrtime.bigint();
      const sig = crypto.sign(null, message, keys.privateKey);
      crypto.verify(null, message, keys.publicKey, sig);
      const replySig = crypto.sign(null, message, keys.privateKey);
      crypto.verify(null, message, keys.publicKey, replySig);
      crypto4.push(nsToUs(process.hrtime.bigint() - s));
    }
    const floor = median(crypto4) + median(bare);
    ctx.note(`${N} noop commands, each a fresh token (Ed25519 sign, nonce recorded and audited by the daemon before running, reply signed by the daemon and verified), ${ROUNDS} rounds alternating with the echo.`);
    const what = 'a bare ws echo server on loopback answering a message of the same size, one at a time, same client library';
    return [
      row('command round trip p50', median(cmd), 'µs', { name: 'ws echo', value: median(bare), unit: 'µs', what }, { of: 'ratio', op: '<=', target: 3 }),
      row('command round trip p50 vs its floor', median(cmd), 'µs', {
        name: 'crypto floor',
        value: floor,
        unit: 'µs',
        what: `the four Ed25519 operations alone (p50 ${median(crypto4).toFixed(0)} µs) plus the ws echo p50: no signed round trip can be faster`,
      }),
      row('command round trip p99', percentile(cmd, 99), 'µs', { name: 'ws echo', value: percentile(bare, 99), unit: 'µs', what }),
      row('commands/s', cmd.length / (Number(cmdWall) / 1e9), 'cmd/s', { name: 'ws echo', value: 1e6 / median(bare), unit: 'msg/s', what: `${what} (1 / its p50)` }),
    ];
  } finally {
    ws.close();
    client.close();
    await echo.close();
    await daemon.close();
    core.close();
  }
}

export const entries: BenchEntry[] = [{ name: 'daemon-roundtrip', title: 'signed daemon commands vs. a bare WebSocket echo', run }];
