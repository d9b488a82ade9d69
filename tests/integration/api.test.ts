// The loopback API as a real process: open and guarded routes, every bad-input path, and that each rejection is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';
import { rawRequest } from '../helpers/raw-http';

let j: JarvisProcess;
beforeAll(async () => {
  j = await startJarvis();
});
afterAll(async () => {
  await j.stop();
});

const auditTypes = async (type: string) => {
  const res = await api(j, `/v1/audit?type=${type}&limit=1000`);
  return (res.body.events as { payload: Record<string, unknown> }[]).map((e) => e.payload);
};

describe('open and guarded routes', () => {
  it('GET /health is open and reports the database and heartbeat', async () => {
    const res = await api(j, '/health', { auth: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', version: '0.1.0', database: { ok: true } });
    expect(typeof res.body.last_heartbeat).toBe('string');
  });

  it('GET /v1/audit is 401 without the token, 401 with a wrong one, 200 with it', async () => {
    const none = await api(j, '/v1/audit', { auth: false });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 'unauthorized' });
    expect(none.body.error?.message).toMatch(/Authorization: Bearer/);
    const wrong = await api(j, '/v1/audit', { auth: false, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const ok = await api(j, '/v1/audit');
    expect(ok.status).toBe(200);
    expect((ok.body.events as { type: string }[]).some((e) => e.type === 'system.started')).toBe(true);
    const rejected = await auditTypes('api.request_rejected');
    expect(rejected).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'missing_token', path: '/v1/audit' }), expect.objectContaining({ reason: 'wrong_token' })]));
  });

  it('a foreign Origin gets 403, audited', async () => {
    const res = await api(j, '/v1/audit', { headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toMatch(/origin "http:\/\/evil.example" are not allowed/);
    expect(await auditTypes('api.request_rejected')).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'foreign_origin' })]));
  });

  it('a foreign Host (DNS rebinding) gets 403, even on /health', async () => {
    const res = await rawRequest(j.port, { path: '/health', headers: { host: `evil.example:${j.port}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.message).toMatch(/Host "evil.example:\d+" is not this server/);
    const otherPort = await rawRequest(j.port, { path: '/health', headers: { host: '127.0.0.1:1' } });
    expect(otherPort.status).toBe(403);
    expect(await auditTypes('api.request_rejected')).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'foreign_host' })]));
  });

  it('the same-origin page may call the API', async () => {
    const res = await api(j, '/v1/audit?limit=1', { headers: { origin: j.url } });
    expect(res.status).toBe(200);
  });
});

describe('bad input gets the right 4xx and the server keeps serving', () => {
  const post = (body: string | Buffer, type = 'application/json') =>
    rawRequest(j.port, { method: 'POST', path: '/v1/session', headers: { host: `127.0.0.1:${j.port}`, 'content-type': type }, body });

  it('malformed JSON → 400 invalid_json', async () => {
    const res = await post('{"code": ');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'invalid_json' });
  });

  it('wrong content type → 415 naming the expected one', async () => {
    const res = await post('code=x', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).error.message).toMatch(/Content-Type: application\/json/);
  });

  it('a body over 1 MiB → 413', async () => {
    const res = await post(Buffer.alloc(1024 * 1024 + 10, 0x20));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
  });

  it('a body of the wrong shape → 400 naming the field', async () => {
    const res = await post(JSON.stringify({ code: 5 }));
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body);
    expect(body.error.message).toMatch(/code: /);
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'code' })]);
  });

  it('an unknown route → 404, a wrong method → 405', async () => {
    expect((await api(j, '/v1/nothing-here')).status).toBe(404);
    const wrongMethod = await api(j, '/v1/audit', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body.error?.message).toMatch(/accepts GET/);
  });

  it('a bad query → 400 naming the parameter', async () => {
    const res = await api(j, '/v1/audit?limit=5000');
    expect(res.status).toBe(400);
    expect(res.body.error?.details).toEqual([expect.objectContaining({ field: 'limit' })]);
    const unknown = await api(j, '/v1/audit?colour=red');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/colour/);
  });

  it('is still healthy after all of that', async () => {
    expect((await api(j, '/health', { auth: false })).status).toBe(200);
  });
});

describe('sign-in link and audit routes', () => {
  it('a sign-in code works once, and its reuse is rejected and audited', async () => {
    const code = new URL(j.signInUrl).hash.replace('#signin=', '');
    const first = await api(j, '/v1/session', { auth: false, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(first.status).toBe(200);
    expect(first.body.token).toBe(j.token);
    const again = await api(j, '/v1/session', { auth: false, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(again.status).toBe(401);
    expect(again.body.error?.message).toMatch(/already used or has expired/);
    expect(await auditTypes('api.sign_in_rejected')).toHaveLength(1);
    // The audit never holds the code or the token.
    const all = JSON.stringify((await api(j, '/v1/audit?limit=1000')).body);
    expect(all).not.toContain(code);
    expect(all).not.toContain(j.token);
  });

  it('verify reports the chain and records who checked it', async () => {
    const res = await api(j, '/v1/audit/verify');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, broken: null });
    const verified = await auditTypes('audit.verified');
    expect(verified.at(-1)).toMatchObject({ ok: true });
  });

  it('export returns the trace as JSON lines closed by a verification', async () => {
    const list = await api(j, '/v1/audit?type=system.started');
    const trace = (list.body.events as { trace_id: string }[])[0]?.trace_id ?? '';
    const res = await fetch(`${j.url}/v1/audit/export?trace_id=${trace}`, { headers: { authorization: `Bearer ${j.token}` } });
    expect(res.headers.get('content-type')).toMatch(/ndjson/);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(lines.map((l) => l.kind)).toEqual(['event', 'verification']);
    expect(lines[1]).toMatchObject({ verification: { ok: true } });
    expect((await api(j, '/v1/audit/export?trace_id=nope')).status).toBe(404);
    expect((await api(j, '/v1/audit/export')).status).toBe(400);
  });
});
