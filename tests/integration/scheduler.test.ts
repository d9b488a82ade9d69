// Schedules through the real `jarvis serve`: the API, the fastpath, and catch-up per missed-run policy after a SIGKILL and a restart "later".
import { afterEach, describe, expect, it } from 'vitest';
import { api, startJarvis, type JarvisProcess } from '../helpers/jarvis-process';

const running: JarvisProcess[] = [];
afterEach(async () => {
  for (const j of running.splice(0)) await j.stop('SIGKILL');
});

async function boot(home?: string, env: NodeJS.ProcessEnv = {}): Promise<JarvisProcess> {
  const j = await startJarvis({ ...(home ? { home } : {}), env });
  running.push(j);
  return j;
}

const post = (j: JarvisProcess, path: string, body: unknown, method = 'POST') => api(j, path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

type Row = { type: string; subject: string | null; trace_id: string; payload: Record<string, unknown> };
async function audit(j: JarvisProcess, type: string): Promise<Row[]> {
  const res = await api(j, `/v1/audit?type=${type}&limit=500`);
  return (res.body as unknown as { events: Row[] }).events;
}

/** Polls until fn's answer satisfies ok (no time limit of its own: the test's timeout bounds it). */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scheduler', () => {
  it('refuses bad timings naming the field, audits the refusal, and previews the next five runs', async () => {
    const j = await boot();
    const bad = await post(j, '/v1/schedules', { name: 'x', timing: { cron: '61 8 * * *' }, payload: { kind: 'notify', text: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details).toEqual([expect.objectContaining({ field: 'timing.cron' })]);
    const four = await post(j, '/v1/schedules', { name: 'x', timing: { cron: '0 8 * *' }, payload: { kind: 'notify', text: 'x' } });
    expect(four.status).toBe(400);
    expect(JSON.stringify(four.body.error?.details)).toContain('timing.cron');
    const zone = await post(j, '/v1/schedules', { name: 'x', timing: { cron: '0 8 * * *', timezone: 'Mars/Olympus' }, payload: { kind: 'notify', text: 'x' } });
    expect(zone.status).toBe(400);
    expect(JSON.stringify(zone.body.error?.details)).toContain('timing.timezone');
    const rejected = await audit(j, 'schedule.rejected');
    expect(rejected).toHaveLength(3);

    const preview = await post(j, '/v1/schedules?preview=1', { name: 'brief', timing: { cron: '0 8 * * 1-5', timezone: 'Europe/Paris' }, payload: { kind: 'goal', goal: 'brief me' } });
    expect(preview.status).toBe(200);
    const runs = preview.body.next_runs as string[];
    expect(runs).toHaveLength(5);
    for (const r of runs) expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(new Date(r))).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 08:00$/);
    expect((await api(j, '/v1/schedules')).body.schedules).toEqual([]);
  });

  it('creates, lists, pauses and cancels schedules by words', async () => {
    const j = await boot();
    const say = async (text: string) => (await post(j, '/v1/events?wait=true', { channel: 'api', payload: { text } })).body as { reply?: string };
    expect((await say('every weekday at 8am brief me')).reply).toMatch(/^Scheduled "brief me" \(cron 0 8 \* \* 1-5/);
    const [s] = (await api(j, '/v1/schedules')).body.schedules as { id: string; status: string; next_runs: string[] }[];
    expect(s?.next_runs).toHaveLength(5);
    expect((await say('list schedules')).reply).toContain('brief me');
    expect((await say(`pause schedule ${s?.id.slice(0, 8) ?? ''}`)).reply).toBe('Schedule "brief me" is paused.');
    expect(((await api(j, `/v1/schedules/${s?.id ?? ''}`)).body as { status: string }).status).toBe('paused');
    expect((await say('cancel schedule brief me')).reply).toBe('Schedule "brief me" is deleted.');
    expect((await api(j, '/v1/schedules')).body.schedules).toEqual([]);
    expect((await say('set a timer for 1 second for tea')).reply).toMatch(/^Timer set for 1 second/);
    const done = await until(() => audit(j, 'schedule.fired'), (rows) => rows.length === 1);
    expect(done[0]?.payload).toMatchObject({ name: 'timer: tea', payload_kind: 'notify' });
    const sent = await until(() => audit(j, 'response.sent'), (rows) => rows.some((r) => r.trace_id === done[0]?.trace_id));
    expect(sent.find((r) => r.trace_id === done[0]?.trace_id)?.payload).toMatchObject({ text: 'Timer done: tea.' });
  });

  it('after a SIGKILL and a restart two minutes later, catches up per policy and staleness window', async () => {
    const first = await boot();
    const make = async (name: string, missed_policy: string, staleness_ms: number | null = null) => {
      const res = await post(first, '/v1/schedules', { name, timing: { every_ms: 30_000 }, payload: { kind: 'notify', text: name }, missed_policy, staleness_ms });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const ids = { skip: await make('skip', 'skip'), once: await make('once', 'run_once'), all: await make('all', 'run_all'), fresh: await make('fresh', 'run_all', 60_000) };
    expect(await first.stop('SIGKILL')).toBeNull();
    // 125 s later: the runs due at +30, +60, +90 and +120 s were missed while Jarvis was down.
    const second = await boot(first.home, { JARVIS_CLOCK_OFFSET_MS: '125000' });
    const caught = await until(() => audit(second, 'schedule.caught_up'), (rows) => rows.length === 4);
    const bySchedule = (rows: Row[], id: string) => rows.filter((r) => r.subject === id);
    const missed = await audit(second, 'schedule.missed');
    const fired = await audit(second, 'schedule.fired');
    expect(bySchedule(missed, ids.skip)[0]?.payload).toMatchObject({ policy: 'skip', missed: 4, will_run: 0 });
    expect(bySchedule(fired, ids.skip)).toHaveLength(0);
    expect(bySchedule(missed, ids.once)[0]?.payload).toMatchObject({ policy: 'run_once', missed: 4, will_run: 1 });
    expect(bySchedule(fired, ids.once)).toHaveLength(1);
    expect(bySchedule(fired, ids.all)).toHaveLength(4);
    expect(bySchedule(fired, ids.all).every((r) => r.payload.caught_up === true)).toBe(true);
    // The 60 s staleness window keeps only the runs due at +90 and +120 s.
    expect(bySchedule(missed, ids.fresh)[0]?.payload).toMatchObject({ missed: 4, stale: 2, will_run: 2 });
    expect(bySchedule(fired, ids.fresh)).toHaveLength(2);
    expect(bySchedule(caught, ids.all)[0]?.payload).toMatchObject({ ran: 4 });
    const views = (await api(second, '/v1/schedules')).body.schedules as { id: string; run_count: number; next_run_at: string }[];
    const all = views.find((v) => v.id === ids.all);
    expect(all?.run_count).toBe(4);
    // Back on the grid: the next run is the one after "now", not a replay.
    expect(Date.parse(all?.next_run_at ?? '')).toBeGreaterThan(Date.now() + 125_000);
  });
});
