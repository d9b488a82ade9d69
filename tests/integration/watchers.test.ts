// Watchers through the real `jarvis serve`: the heartbeat watcher ticks, stops when disabled, resumes when enabled; /health shows its beat.
import { afterEach, describe, expect, it } from 'vitest';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

const running: JarvisProcess[] = [];
afterEach(async () => {
  for (const j of running.splice(0)) await j.stop('SIGKILL');
});

type Watcher = { id: string; enabled: boolean; ticks: number; last_tick_at: string | null };
const heartbeat = async (j: JarvisProcess) => ((await api(j, '/v1/watchers')).body.watchers as Watcher[]).find((w) => w.id === 'heartbeat');
const patch = (j: JarvisProcess, enabled: unknown) => api(j, '/v1/watchers/heartbeat', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilTicks(j: JarvisProcess, more: number): Promise<number> {
  const start = (await heartbeat(j))?.ticks ?? 0;
  for (;;) {
    const now = (await heartbeat(j))?.ticks ?? 0;
    if (now >= start + more) return now;
    await sleep(100);
  }
}

describe('watchers', () => {
  it('disabling the heartbeat watcher stops its ticks; enabling it resumes them, across a restart too', async () => {
    const j = await startJarvis({ env: { JARVIS_HEARTBEAT_INTERVAL_MS: '1000' } });
    running.push(j);
    await untilTicks(j, 2);
    const health = await api(j, '/health', { auth: false });
    expect(health.body.last_heartbeat).toEqual(expect.any(String));
    expect(health.body.uptime_s).toEqual(expect.any(Number));

    expect((await patch(j, 'no')).status).toBe(400);
    expect((await api(j, '/v1/watchers/nope', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"enabled":false}' })).status).toBe(404);
    const off = await patch(j, false);
    expect(off.status).toBe(200);
    const frozen = (await heartbeat(j))?.ticks;
    // Three intervals with the watcher off: a tick would show.
    await sleep(3000);
    expect((await heartbeat(j))?.ticks).toBe(frozen);
    expect((await heartbeat(j))?.enabled).toBe(false);

    await j.stop('SIGKILL');
    const again = await startJarvis({ home: j.home, env: { JARVIS_HEARTBEAT_INTERVAL_MS: '1000' } });
    running.push(again);
    await sleep(2000);
    expect(await heartbeat(again)).toMatchObject({ enabled: false, ticks: 0 });
    expect((await patch(again, true)).status).toBe(200);
    expect(await untilTicks(again, 2)).toBeGreaterThanOrEqual(2);
    const audit = await api(again, '/v1/audit?type=watcher.enabled');
    expect((audit.body.events as unknown[]).length).toBe(1);
  });
});
