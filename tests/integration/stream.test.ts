// WS /v1/stream against the real server: both ways to authenticate, every refusal audited, bad messages survived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

let j: JarvisProcess;
beforeAll(async () => {
  j = await startJarvis();
});
afterAll(async () => {
  await j.stop();
});

type Msg = { type: string; event?: { type: string; id: number }; error?: { code: string; message: string } };

function connect(protocols: string[], headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${j.port}/v1/stream`, protocols, { headers });
  const messages: Msg[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Msg));
  const next = (pred: (m: Msg) => boolean) =>
    new Promise<Msg>((resolve, reject) => {
      const found = messages.find(pred);
      if (found) return resolve(found);
      const onMsg = () => {
        const m = messages.find(pred);
        if (m) {
          ws.off('message', onMsg);
          resolve(m);
        }
      };
      ws.on('message', onMsg);
      ws.once('close', (code, reason) => reject(new Error(`closed ${code} ${reason.toString()}`)));
    });
  return { ws, messages, next };
}

const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));
const refused = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
const streamRejections = async () =>
  ((await api(j, '/v1/audit?type=api.stream_rejected&limit=100')).body.events as { payload: { reason: string } }[]).map((e) => e.payload.reason);

describe('live audit stream', () => {
  it('with the token as a subprotocol: hello, then audit events as they are written', async () => {
    const c = connect(['jarvis.v1', `bearer.${j.token}`]);
    await opened(c.ws);
    expect(c.ws.protocol).toBe('jarvis.v1');
    await c.next((m) => m.type === 'hello');
    await api(j, '/v1/audit/verify');
    const event = await c.next((m) => m.type === 'audit' && m.event?.type === 'audit.verified');
    expect(event.event?.id).toBeGreaterThan(0);
    c.ws.close();
  });

  it('with the token in the first message', async () => {
    const c = connect(['jarvis.v1']);
    await opened(c.ws);
    c.ws.send(JSON.stringify({ type: 'auth', token: j.token }));
    await c.next((m) => m.type === 'hello');
    c.ws.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    await c.next((m) => m.type === 'pong');
    c.ws.close();
  });

  it('an unauthenticated socket receives no events and a wrong auth message closes it, audited', async () => {
    const c = connect(['jarvis.v1']);
    await opened(c.ws);
    c.ws.send(JSON.stringify({ type: 'ping' }));
    await api(j, '/v1/audit/verify');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.ws.send(JSON.stringify({ type: 'auth', token: 'wrong' }));
    expect(await closed).toBe(4401);
    expect(c.messages.filter((m) => m.type === 'audit' || m.type === 'pong')).toEqual([]);
    expect(await streamRejections()).toContain('wrong_token');
  });

  it('a wrong bearer subprotocol is refused with 401, a foreign Origin with 403, both audited', async () => {
    expect(await refused(new WebSocket(`ws://127.0.0.1:${j.port}/v1/stream`, ['jarvis.v1', 'bearer.nope']))).toBe(401);
    const foreign = new WebSocket(`ws://127.0.0.1:${j.port}/v1/stream`, ['jarvis.v1', `bearer.${j.token}`], { headers: { origin: 'http://evil.example' } });
    expect(await refused(foreign)).toBe(403);
    expect(await streamRejections()).toEqual(expect.arrayContaining(['wrong_token', 'foreign_origin']));
  });

  it('invalid messages get an error reply and the connection stays usable', async () => {
    const c = connect(['jarvis.v1', `bearer.${j.token}`]);
    await opened(c.ws);
    c.ws.send('not json');
    expect((await c.next((m) => m.type === 'error')).error?.message).toMatch(/JSON/);
    c.ws.send(JSON.stringify({ type: 'subscribe', topic: 'x' }));
    await c.next((m) => m.type === 'error' && /type/.test(m.error?.message ?? ''));
    c.ws.send(JSON.stringify({ type: 'ping', id: 'still-here' }));
    await c.next((m) => m.type === 'pong');
    c.ws.close();
  });

  it('an oversized message closes only that socket; the server keeps serving', async () => {
    const c = connect(['jarvis.v1', `bearer.${j.token}`]);
    await opened(c.ws);
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.ws.send('x'.repeat(100_000));
    expect(await closed).toBe(1009);
    expect((await api(j, '/health', { auth: false })).status).toBe(200);
  });
});
