// Durability against SIGKILL: a real Jarvis process killed mid-task resumes at the interrupted step, never repeating an effect.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { effects, installEffectTools } from '../helpers/effect-tools';
import { api, startJarvis, tempHome, type JarvisProcess } from '../helpers/jarvis-process';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface World {
  home: string;
  out: string;
  file: string;
  hold: string;
}

function world(): World {
  const home = tempHome();
  const out = tempHome('jarvis-effects-');
  installEffectTools(home, out);
  return { home, out, file: path.join(out, 'effects.txt'), hold: path.join(out, 'hold') };
}

/** Enables the effect tools (they ask for file access) and defines a three-step workflow over one of them. */
async function prepare(j: JarvisProcess, w: World, tool: 'effect_once' | 'effect_raw', holdAt?: string): Promise<string> {
  for (const name of ['effect_once', 'effect_raw']) expect((await api(j, `/v1/tools/${name}/enable`, { method: 'POST' })).status).toBe(200);
  const step = (id: string) => ({ id, tool, input: { file: w.file, line: id, ...(holdAt === id ? { hold_file: w.hold } : {}) } });
  const created = await api(j, '/v1/workflows', json({ name: `three-${tool}`, steps: [step('s1'), step('s2'), step('s3')] }));
  expect(created.status).toBe(201);
  const run = await api(j, `/v1/workflows/${created.body.id as string}/run`, { method: 'POST' });
  expect(run.status).toBe(202);
  return run.body.task_id as string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const taskStatus = async (j: JarvisProcess, id: string, want: string[]) =>
  until(`task ${id} to be ${want.join('/')}`, async () => {
    const t = await api(j, `/v1/tasks/${id}`);
    return want.includes(t.body.status as string) ? (t.body as { status: string; steps: { id: string; status: string; attempts: number }[]; logs: string[] }) : undefined;
  });

const auditTypes = async (j: JarvisProcess, traceOf: string) => {
  const task = await api(j, `/v1/tasks/${traceOf}`);
  const trail = await api(j, `/v1/audit?trace_id=${task.body.trace_id as string}&limit=1000`);
  return (trail.body.events as { type: string }[]).map((e) => e.type);
};

describe('SIGKILL during step 2', () => {
  it('an idempotent tool: resumes at step 2, each effect exactly once, interruption and recovery audited (10 runs)', async () => {
    for (let run = 0; run < 10; run++) {
      const w = world();
      let j = await startJarvis({ home: w.home });
      const id = await prepare(j, w, 'effect_once', 's2');
      await until('step 2 to take effect', () => (effects(w.file).includes('s2') ? true : undefined));
      await j.stop('SIGKILL');
      expect(effects(w.file)).toEqual(['s1', 's2']);

      j = await startJarvis({ home: w.home });
      fs.writeFileSync(w.hold, '');
      const done = await taskStatus(j, id, ['succeeded', 'failed']);
      expect(done.status).toBe('succeeded');
      expect(effects(w.file)).toEqual(['s1', 's2', 's3']);
      expect(done.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([
        ['s1', 'succeeded', 1],
        ['s2', 'succeeded', 1],
        ['s3', 'succeeded', 1],
      ]);
      const types = await auditTypes(j, id);
      expect(types).toEqual(expect.arrayContaining(['task.interrupted', 'task.recovered']));
      // Step 1 ran once: one attempted call for it in the whole trail.
      expect(types.filter((t) => t === 'tool_call.attempted')).toHaveLength(4);
      await j.stop();
    }
  });

  it('an at-most-once tool: the interrupted step is ambiguous and runs again only after a person says so', async () => {
    const w = world();
    let j = await startJarvis({ home: w.home });
    const id = await prepare(j, w, 'effect_raw', 's2');
    await until('step 2 to take effect', () => (effects(w.file).includes('s2') ? true : undefined));
    await j.stop('SIGKILL');

    j = await startJarvis({ home: w.home });
    const waiting = await taskStatus(j, id, ['waiting_approval']);
    expect(waiting.steps.find((s) => s.id === 's2')?.status).toBe('ambiguous');
    expect(effects(w.file)).toEqual(['s1', 's2']);
    expect(await auditTypes(j, id)).toEqual(expect.arrayContaining(['task.interrupted', 'task.step_ambiguous', 'task.recovered']));
    // Nothing runs while it waits: resuming is refused, the state is unchanged.
    expect((await api(j, `/v1/tasks/${id}/resume`, { method: 'POST' })).status).toBe(409);
    expect(effects(w.file)).toEqual(['s1', 's2']);

    fs.writeFileSync(w.hold, '');
    const decided = await api(j, `/v1/tasks/${id}/steps/s2/decide`, json({ decision: 'retry' }));
    expect(decided.status).toBe(200);
    expect((await taskStatus(j, id, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(effects(w.file)).toEqual(['s1', 's2', 's2', 's3']);
    expect(await auditTypes(j, id)).toContain('task.ambiguity_resolved');
    await j.stop();
  });
});

describe('kill at every step boundary', () => {
  const points = ['step.before_start', 'step.started', 'tool.returned', 'step.before_checkpoint', 'step.after_checkpoint'];
  it('always ends succeeded with each effect applied once (5 points × 3 steps)', async () => {
    for (const point of points) {
      for (const step of ['s1', 's2', 's3']) {
        const w = world();
        let j = await startJarvis({ home: w.home, env: { JARVIS_FAULT: `${point}:${step}` } });
        const id = await prepare(j, w, 'effect_once');
        expect(await j.exit(), `${point}:${step} should have killed the process`).toBe('SIGKILL');
        j = await startJarvis({ home: w.home });
        const done = await taskStatus(j, id, ['succeeded', 'failed', 'waiting_approval']);
        expect(done.status, `${point}:${step}`).toBe('succeeded');
        expect(effects(w.file), `${point}:${step}`).toEqual(['s1', 's2', 's3']);
        await j.stop();
      }
    }
  });
});
