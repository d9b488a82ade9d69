// The network guard in real tool processes: every way out is refused without the permission, open with it.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixtures, failureOf, type Fixtures } from './fixture-tools';

let fx: Fixtures;
let server: net.Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  fx = createFixtures('jarvis-net-');
  server = net.createServer((socket) => {
    connections += 1;
    // Read what clients send (fetch sends a request), or the socket never sees their end and never closes.
    socket.resume();
    socket.on('error', () => undefined);
    socket.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fx.cleanup();
});
afterEach(() => {
  connections = 0;
});

/** Lets a connection that slipped through reach the server's handler before counting. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

const connectTool = `exports.run = ({ port, host }) => new Promise((resolve, reject) => {
  const socket = require('net').connect(port, host || '127.0.0.1');
  socket.on('data', (d) => { resolve(String(d).trim()); socket.destroy(); });
  socket.on('error', reject);
});`;

// Each case must be refused with no network permission at all.
const refused: Array<[string, string]> = [
  ['net.connect', connectTool],
  ['a raw Socket', "exports.run = ({ port }) => { new (require('net').Socket)().connect(port, '127.0.0.1'); return 'connected'; };"],
  ['tls.connect', "exports.run = ({ port }) => { require('tls').connect(port, '127.0.0.1'); return 'connected'; };"],
  ['http.get', "exports.run = ({ port }) => { require('http').get(`http://127.0.0.1:${port}/`); return 'sent'; };"],
  ['https.request', "exports.run = ({ port }) => { require('https').request(`https://127.0.0.1:${port}/`).end(); return 'sent'; };"],
  ['http2.connect', "exports.run = ({ port }) => { require('http2').connect(`http://127.0.0.1:${port}`); return 'sent'; };"],
  ['fetch', 'exports.run = async ({ port }) => (await fetch(`http://127.0.0.1:${port}/`)).status;'],
  ['dns.lookup', "exports.run = () => new Promise((ok, fail) => require('dns').lookup('localhost', (e, a) => (e ? fail(e) : ok(a))));"],
  ['dns.promises.resolve4', "exports.run = () => require('dns').promises.resolve4('example.com');"],
  ['a dns.Resolver', "exports.run = () => new Promise((ok, fail) => new (require('dns').Resolver)().resolve4('example.com', (e, a) => (e ? fail(e) : ok(a))));"],
  ['a udp socket', "exports.run = ({ port }) => { require('dgram').createSocket('udp4').send('x', port, '127.0.0.1'); return 'sent'; };"],
  ['the udp Socket class', "exports.run = () => { new (require('dgram').Socket)('udp4'); return 'made'; };"],
  ['a listening server', "exports.run = () => { require('net').createServer().listen(0); return 'listening'; };"],
  ['the legacy server handle', "exports.run = () => { require('net')._createServerHandle('127.0.0.1', 0, 4).listen(5); return 'listening'; };"],
  ['the stdio pipe class', "exports.run = () => { const P = process.stdout._handle.constructor; new P(0).bind(__dirname + '/x.sock'); return 'bound'; };"],
  ['a unix socket', "exports.run = () => { require('net').connect('/tmp/does-not-matter.sock'); return 'connected'; };"],
];

describe('without network permission', () => {
  it.each(refused)('refuses %s', async (_label, source) => {
    const e = failureOf(await fx.run(fx.tool(`refused-${_label.replace(/\W+/g, '-')}`, source), { port }));
    expect(e).toMatchObject({ kind: 'permission_denied', permission: 'Network' });
    await settle();
    expect(connections).toBe(0);
  });

  it('refuses WebSocket where Node has one', async () => {
    const t = fx.tool('websocket', 'exports.run = ({ port }) => typeof WebSocket === "function" ? (new WebSocket(`ws://127.0.0.1:${port}`), "opened") : "absent";');
    const r = await fx.run(t, { port });
    if (r.ok) expect(r.output).toBe('absent');
    else expect(r.error).toMatchObject({ kind: 'permission_denied', permission: 'Network' });
  });

  it('cannot reach the raw bindings to get around the guard', async () => {
    const t = fx.tool('binding', "exports.run = () => { process.binding('tcp_wrap'); return 'got it'; };");
    expect(failureOf(await fx.run(t, {})).kind).toBe('permission_denied');
  });

  it('cannot open the inspector (a listening socket and a way into Node internals)', async () => {
    const t = fx.tool('inspector', "exports.run = () => { require('inspector').open(0); return 'open'; };");
    expect(failureOf(await fx.run(t, {})).kind).toBe('permission_denied');
  });
});

describe('with network permission', () => {
  it('connects when network is true, and the server sees it', async () => {
    const r = await fx.run(fx.tool('net-allowed', connectTool), { port }, { network: true });
    expect(r).toMatchObject({ ok: true, output: 'hello' });
    await settle();
    expect(connections).toBe(1);
  });

  it('fetches when network is true', async () => {
    const t = fx.tool('fetch-allowed', 'exports.run = async ({ port }) => { try { await fetch(`http://127.0.0.1:${port}/`); } catch (e) { return e.cause ? e.cause.code || "reached" : "reached"; } return "reached"; };');
    expect(await fx.run(t, { port }, { network: true })).toMatchObject({ ok: true });
    await settle();
    expect(connections).toBe(1);
  });

  it('connects to a listed host', async () => {
    expect(await fx.run(fx.tool('hosts-ok', connectTool), { port }, { network: { hosts: ['127.0.0.1'] } })).toMatchObject({ ok: true, output: 'hello' });
    expect(await fx.run(fx.tool('hosts-port-ok', connectTool), { port }, { network: { hosts: [`127.0.0.1:${port}`] } })).toMatchObject({ ok: true, output: 'hello' });
    // A name goes through the system resolver, which the guard lets through for listed names only.
    expect(await fx.run(fx.tool('hosts-name-ok', connectTool), { port, host: 'localhost' }, { network: { hosts: ['LocalHost'] } })).toMatchObject({
      ok: true,
      output: 'hello',
    });
  });

  it('refuses hosts and ports that are not listed', async () => {
    const t = fx.tool('hosts-denied', connectTool);
    expect(failureOf(await fx.run(t, { port }, { network: { hosts: ['example.com'] } }))).toMatchObject({ kind: 'permission_denied', permission: 'Network' });
    expect(failureOf(await fx.run(t, { port }, { network: { hosts: ['127.0.0.1:1'] } }))).toMatchObject({ kind: 'permission_denied', permission: 'Network' });
    await settle();
    expect(connections).toBe(0);
  });

  it('refuses fetch to an unlisted host with the socket gate\'s reason', async () => {
    const t = fx.tool('hosts-fetch', 'exports.run = async ({ port }) => (await fetch(`http://127.0.0.1:${port}/`)).status;');
    expect(failureOf(await fx.run(t, { port }, { network: { hosts: ['example.com'] } }))).toMatchObject({ kind: 'permission_denied', permission: 'Network' });
    await settle();
    expect(connections).toBe(0);
  });

  it('ignores a tool\'s own lookup that maps a listed name to another address', async () => {
    const t = fx.tool(
      'hosts-lookup',
      `exports.run = ({ port }) => new Promise((resolve, reject) => {
        const lookup = (host, opts, cb) => (opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4));
        const socket = require('net').connect({ port, host: 'listed-name.invalid', lookup });
        socket.on('data', () => resolve('reached the server'));
        socket.on('error', reject);
      });`,
    );
    const r = await fx.run(t, { port }, { network: { hosts: ['listed-name.invalid'] } }, { timeoutMs: 5_000 });
    expect(r.ok).toBe(false);
    await settle();
    expect(connections).toBe(0);
  });

  it('still refuses listening sockets with a host list', async () => {
    const t = fx.tool('hosts-listen', "exports.run = () => { require('net').createServer().listen(0); return 'listening'; };");
    expect(failureOf(await fx.run(t, {}, { network: { hosts: ['127.0.0.1'] } }))).toMatchObject({ kind: 'permission_denied', permission: 'Network' });
  });
});
