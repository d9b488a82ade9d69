// `jarvis goal` as a real process: in-process and through a running Jarvis, with the http_request allow-list.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, startJarvis, tempHome } from '../helpers/jarvis-process';

let server: http.Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello from x');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

describe('jarvis goal', () => {
  it('fetches an allow-listed loopback URL and prints the plan and the reply (in this process)', async () => {
    const res = await runCliAsync(['goal', `fetch http://127.0.0.1:${port}/x`], { JARVIS_HOME: tempHome(), JARVIS_PORT: '1', JARVIS_HTTP_ALLOWLIST: `127.0.0.1:${port}` });
    expect(res.stderr).toMatch(/not running on 127\.0\.0\.1:1; running the goal in this process/);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Plan \(task \w+, intent http\.fetch/);
    expect(res.stdout).toMatch(/s1 {2}http_request {2}\{"method":"GET","url":"http:\/\/127\.0\.0\.1:\d+\/x"\} {2}risk low/);
    expect(res.stdout).toMatch(/Reply: Fetched http:\/\/127\.0\.0\.1:\d+\/x \(HTTP 200\): hello from x/);
  });

  it('without the allow-list the same fetch is refused and nothing reaches the server', async () => {
    const before = hits;
    const res = await runCliAsync(['goal', `fetch http://127.0.0.1:${port}/x`], { JARVIS_HOME: tempHome(), JARVIS_PORT: '1' });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/Task failed: I could not fetch .*loopback/i);
    expect(hits).toBe(before);
  });

  it('goes through a running Jarvis when there is one, so its audit trail has the run', async () => {
    const j = await startJarvis({ env: { JARVIS_HTTP_ALLOWLIST: `127.0.0.1:${port}` } });
    try {
      const res = await runCliAsync(['goal', `fetch http://127.0.0.1:${port}/x`], { JARVIS_HOME: j.home, JARVIS_PORT: String(j.port) });
      expect(res.stderr).not.toMatch(/running the goal in this process/);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/Reply: Fetched/);
      const audit = await fetch(`${j.url}/v1/audit?type=tool_call.succeeded`, { headers: { authorization: `Bearer ${j.token}` } });
      const events = ((await audit.json()) as { events: { payload: { tool: string } }[] }).events;
      expect(events.some((e) => e.payload.tool === 'http_request')).toBe(true);
    } finally {
      await j.stop();
    }
  });

  it('a goal nothing understands exits 3 with examples; no goal exits 2', () => {
    const home = tempHome();
    const res = runCli(['goal', 'paint the fence'], { JARVIS_HOME: home, JARVIS_PORT: '1' });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/No plan for "paint the fence"/);
    expect(runCli(['goal'], { JARVIS_HOME: home }).code).toBe(2);
  });
});
