// Rules: the form checked by the server's schema with JSON problems placed by path, refusals on their field, enable/disable and delete.
import { describe, expect, it } from 'vitest';
import type { RuleCreate, RuleView } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { RulesApi } from './api';
import { buildRequest, createRulesStore, describeTrigger, describeWindows, emptyForm, formFieldOf, formOf, type RuleForm } from './store';

function view(id: string, body: RuleCreate): RuleView {
  return { id, ...body, created_by: 'person:owner', created_at: '2026-11-30T00:00:00Z', updated_at: '2026-11-30T00:00:00Z', recent: [] };
}

/** A small in-memory rules server that refuses an unbalanced regex the way the real one does. */
function server(): RulesApi {
  const rules = new Map<string, RuleView>();
  let next = 1;
  return {
    list: async () => ({ rules: [...rules.values()] }),
    create: async (body) => {
      const bad = body.conditions.findIndex((c) => 'op' in c && c.op === 'regex' && c.pattern.includes('(['));
      if (bad >= 0) throw new ApiError(400, 'bad_request', `Invalid rule: conditions.${bad}.pattern: is not a valid regular expression.`, [{ field: `conditions.${bad}.pattern`, problem: 'is not a valid regular expression' }]);
      const v = view(`r${next++}`, body);
      rules.set(v.id, v);
      return v;
    },
    update: async (id, patch) => {
      const r = rules.get(id);
      if (!r) throw new ApiError(404, 'not_found', `No rule "${id}".`);
      const v = { ...r, ...patch } as RuleView;
      rules.set(id, v);
      return v;
    },
    remove: async (id) => {
      if (!rules.delete(id)) throw new ApiError(404, 'not_found', `No rule "${id}".`);
    },
  };
}

const door: Partial<RuleForm> = { name: 'Door', channel: 'ha', match: 'binary_sensor.front_door', conditions: '[{"op":"eq","path":"payload.state","value":"on"}]', actions: '[{"type":"notify","text":"door"}]', debounce: '2.5' };

describe('the rule form', () => {
  it('builds the request with windows in milliseconds and quiet hours only when asked for', () => {
    const built = buildRequest({ ...emptyForm(), ...door });
    expect(built).toEqual({
      ok: true,
      request: { name: 'Door', enabled: true, trigger: { channel: 'ha', match: 'binary_sensor.front_door' }, conditions: [{ op: 'eq', path: 'payload.state', value: 'on' }], actions: [{ type: 'notify', text: 'door' }], debounce_ms: 2500, dedupe_ms: 0, cooldown_ms: 0, quiet_hours: null },
    });
    const quiet = buildRequest({ ...emptyForm(), ...door, quiet: true, quiet_start: '23:00', quiet_end: '06:30', quiet_timezone: 'UTC', quiet_policy: 'defer' });
    expect(quiet.ok && quiet.request.quiet_hours).toEqual({ start: '23:00', end: '06:30', timezone: 'UTC', days: [], policy: 'defer' });
  });

  it('names broken JSON, a bad condition by its path, a bad window and bad quiet hours', () => {
    const broken = buildRequest({ ...emptyForm(), ...door, conditions: '[{"op":' });
    expect(!broken.ok && broken.fieldErrors.conditions).toMatch(/^is not valid JSON/);
    const path = buildRequest({ ...emptyForm(), ...door, conditions: '[{"op":"eq","path":"payload..x","value":1}]', cooldown: 'a while', quiet: true, quiet_start: '25:00' });
    expect(path.ok).toBe(false);
    if (!path.ok) {
      expect(path.fieldErrors.conditions).toMatch(/^conditions\.0/);
      expect(path.fieldErrors.cooldown).toBe('must be a number of seconds (0 for none)');
      expect(path.fieldErrors.quiet).toMatch(/HH:MM/);
    }
    const none = buildRequest({ ...emptyForm(), ...door, actions: '[]' });
    expect(!none.ok && none.fieldErrors.actions).toBeTruthy();
  });

  it('maps server fields and reads a rule back into the form', () => {
    expect(formFieldOf('trigger.match')).toBe('match');
    expect(formFieldOf('trigger')).toBe('channel');
    expect(formFieldOf('conditions.2.all.0.path')).toBe('conditions');
    expect(formFieldOf('quiet_hours.start')).toBe('quiet');
    expect(formFieldOf('recent')).toBeNull();
    const built = buildRequest({ ...emptyForm(), ...door });
    if (!built.ok) throw new Error('the form should be valid');
    const v = view('r1', built.request);
    expect(buildRequest(formOf(v))).toEqual(built);
    expect(describeTrigger(v)).toBe('ha events matching binary_sensor.front_door');
    expect(describeWindows(v)).toBe('debounce 2.5 s');
  });
});

describe('the rules store', () => {
  it('puts a refused condition beside the editor with its path, keeps the form, then creates, disables, enables and deletes', async () => {
    const api = server();
    const store = createRulesStore(api);
    store.getState().setForm({ ...door, conditions: '[{"op":"regex","path":"text","pattern":"([a-"}]' });
    await store.getState().save();
    expect(store.getState().formErrors).toEqual({ conditions: 'conditions.0.pattern: is not a valid regular expression' });
    expect(store.getState().message).toMatch(/^Invalid rule: .*Nothing was saved\.$/);
    expect(store.getState().form.name).toBe('Door');
    expect((await api.list()).rules).toEqual([]);

    store.getState().setForm({ conditions: '[]' });
    expect(store.getState().formErrors).toEqual({});
    await store.getState().save();
    expect(store.getState().message).toBe('Created “Door”; it is watching for events.');
    const id = store.getState().rules[0]?.id ?? '';
    await store.getState().setEnabled(id, false);
    expect(store.getState().rules[0]?.enabled).toBe(false);
    await store.getState().setEnabled(id, true);
    expect(store.getState().rules[0]?.enabled).toBe(true);
    await store.getState().remove(id);
    expect(store.getState().rules).toEqual([]);
    await store.getState().setEnabled(id, true);
    expect(store.getState().rowErrors[id]).toMatch(/^No rule "r1"\./);
  });
});
