// Schedules: the form checked by the server's schema, server refusals placed on the field they name, the newest preview winning, pause and delete.
import { describe, expect, it } from 'vitest';
import type { ScheduleCreate, SchedulePatch, ScheduleView } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { SchedulesApi } from './api';
import { buildRequest, createSchedulesStore, emptyForm, formFieldOf, formOf } from './store';

function view(id: string, body: ScheduleCreate): ScheduleView {
  return {
    id,
    name: body.name,
    kind: 'cron' in body.timing ? 'cron' : 'every_ms' in body.timing ? 'interval' : 'once',
    timing: body.timing,
    payload: body.payload,
    missed_policy: body.missed_policy,
    staleness_ms: body.staleness_ms,
    status: 'active',
    next_run_at: '2026-12-01T08:00:00.000Z',
    last_run_at: null,
    run_count: 0,
    next_runs: ['2026-12-01T08:00:00.000Z', '2026-12-02T08:00:00.000Z', '2026-12-03T08:00:00.000Z', '2026-12-04T08:00:00.000Z', '2026-12-07T08:00:00.000Z'],
    describe: 'cron' in body.timing ? `cron ${body.timing.cron}` : 'other',
    created_by: 'person:owner',
    created_at: '2026-11-30T00:00:00Z',
    updated_at: '2026-11-30T00:00:00Z',
  };
}

/** A small in-memory schedules server that refuses a cron starting with 61 the way the real one does. */
function server(): SchedulesApi & { previews: ScheduleCreate[]; hold: ((release: () => void) => void) | null } {
  const schedules = new Map<string, ScheduleView>();
  const previews: ScheduleCreate[] = [];
  let next = 1;
  const check = (body: ScheduleCreate) => {
    if ('cron' in body.timing && body.timing.cron.startsWith('61')) throw new ApiError(400, 'bad_request', `Invalid schedule: timing.cron: "${body.timing.cron}" is not a valid cron expression.`, [{ field: 'timing.cron', problem: `"${body.timing.cron}" is not a valid cron expression` }]);
  };
  const fake = {
    previews,
    hold: null as ((release: () => void) => void) | null,
    list: async () => ({ schedules: [...schedules.values()] }),
    preview: async (body: ScheduleCreate) => {
      previews.push(body);
      const hold = fake.hold;
      if (hold) await new Promise<void>((resolve) => hold(resolve));
      check(body);
      return view('preview', body);
    },
    create: async (body: ScheduleCreate) => {
      check(body);
      const v = view(`s${next++}`, body);
      schedules.set(v.id, v);
      return v;
    },
    update: async (id: string, patch: SchedulePatch) => {
      const s = schedules.get(id);
      if (!s) throw new ApiError(404, 'not_found', `No schedule "${id}".`);
      const v = { ...s, ...patch } as ScheduleView;
      schedules.set(id, v);
      return v;
    },
    remove: async (id: string) => {
      if (!schedules.delete(id)) throw new ApiError(404, 'not_found', `No schedule "${id}".`);
    },
  };
  return fake;
}

describe('the schedule form', () => {
  it('builds each kind of timing and names what is wrong by field', () => {
    const cron = buildRequest({ ...emptyForm(), name: 'Briefing', cron: '0 8 * * 1-5', timezone: 'Europe/Paris', text: 'brief me', staleness: '30' });
    expect(cron).toEqual({ ok: true, request: { name: 'Briefing', timing: { cron: '0 8 * * 1-5', timezone: 'Europe/Paris' }, payload: { kind: 'goal', goal: 'brief me' }, missed_policy: 'skip', staleness_ms: 1_800_000 } });
    const every = buildRequest({ ...emptyForm(), name: 'Stretch', timing: 'every', every: '45', action: 'notify', text: 'stand up' });
    expect(every.ok && every.request.timing).toEqual({ every_ms: 2_700_000 });
    const at = buildRequest({ ...emptyForm(), name: 'Once', timing: 'at', at: '2026-12-24T18:00:00Z', text: 'gifts' });
    expect(at.ok && at.request.timing).toEqual({ at: '2026-12-24T18:00:00.000Z' });

    const bad = buildRequest({ ...emptyForm(), name: ' ', cron: '0 8 * *', timezone: 'Mars/Olympus', text: '', staleness: 'soon' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(Object.keys(bad.fieldErrors).sort()).toEqual(['cron', 'name', 'staleness', 'text', 'timezone']);
      expect(bad.fieldErrors.cron).toMatch(/exactly five fields/);
      expect(bad.fieldErrors.timezone).toMatch(/IANA time zone/);
    }
    const every0 = buildRequest({ ...emptyForm(), name: 'x', timing: 'every', every: 'often', text: 'y' });
    expect(!every0.ok && every0.fieldErrors.every).toMatch(/number of minutes/);
  });

  it('maps the server’s field names to the form’s and reads a saved schedule back into the form', () => {
    expect(formFieldOf('timing.cron', 'cron')).toBe('cron');
    expect(formFieldOf('timing', 'every')).toBe('every');
    expect(formFieldOf('payload.goal', 'cron')).toBe('text');
    expect(formFieldOf('staleness_ms', 'cron')).toBe('staleness');
    expect(formFieldOf('created_by', 'cron')).toBeNull();
    const request = buildRequest({ ...emptyForm(), name: 'Stretch', timing: 'every', every: '45', action: 'notify', text: 'stand up', missed: 'run_all', staleness: '10' });
    if (!request.ok) throw new Error('the form should be valid');
    expect(formOf(view('s1', request.request))).toMatchObject({ name: 'Stretch', timing: 'every', every: '45', action: 'notify', text: 'stand up', missed: 'run_all', staleness: '10' });
  });
});

describe('the schedules store', () => {
  it('previews the next runs without a name yet, and puts a refused cron on its field', async () => {
    const api = server();
    const store = createSchedulesStore(api);
    store.getState().setForm({ cron: '30 7 * * *', timezone: 'UTC' });
    await store.getState().runPreview();
    expect(store.getState().preview?.runs).toHaveLength(5);
    expect(store.getState().formErrors).toEqual({});
    store.getState().setForm({ cron: '61 7 * * *' });
    await store.getState().runPreview();
    expect(store.getState().preview).toBeNull();
    expect(store.getState().formErrors).toEqual({ cron: '"61 7 * * *" is not a valid cron expression' });
  });

  it('keeps only the newest preview when an older answer arrives late', async () => {
    const api = server();
    const store = createSchedulesStore(api);
    let releaseFirst: () => void = () => undefined;
    api.hold = (release) => (releaseFirst = release);
    store.getState().setForm({ cron: '61 * * * *', timezone: 'UTC' });
    const first = store.getState().runPreview();
    api.hold = null;
    store.getState().setForm({ cron: '0 9 * * *' });
    await store.getState().runPreview();
    releaseFirst();
    await first;
    expect(store.getState().preview?.describe).toBe('cron 0 9 * * *');
    expect(store.getState().formErrors).toEqual({});
  });

  it('creates, refuses with the field named and nothing saved, pauses, resumes and deletes', async () => {
    const api = server();
    const store = createSchedulesStore(api);
    store.getState().setForm({ name: 'Briefing', cron: '61 8 * * *', timezone: 'UTC', text: 'brief me' });
    await store.getState().save();
    expect(store.getState().formErrors.cron).toMatch(/not a valid cron/);
    expect(store.getState().message).toMatch(/^Invalid schedule: .*Nothing was saved\.$/);
    expect(store.getState().form.name).toBe('Briefing');
    expect((await api.list()).schedules).toEqual([]);

    store.getState().setForm({ cron: '0 8 * * *' });
    await store.getState().save();
    expect(store.getState().schedules.map((s) => s.name)).toEqual(['Briefing']);
    expect(store.getState().form).toEqual(emptyForm());
    const id = store.getState().schedules[0]?.id ?? '';
    await store.getState().setStatus(id, 'paused');
    expect(store.getState().schedules[0]?.status).toBe('paused');
    await store.getState().setStatus(id, 'active');
    expect(store.getState().schedules[0]?.status).toBe('active');
    store.getState().askToDelete(id);
    await store.getState().remove(id);
    expect(store.getState().schedules).toEqual([]);
    expect(store.getState().confirmingDelete).toBeNull();
    await store.getState().remove(id);
    expect(store.getState().rowErrors[id]).toMatch(/^No schedule "s1"\. It may have been removed meanwhile/);
  });
});
