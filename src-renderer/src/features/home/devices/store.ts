// The home devices screen's state: live health, the entity list, and the HA, MQTT, allow-list and critical-mark forms with their outcomes.
import { createStore } from 'zustand/vanilla';
import { IotAllowListsRequest, IotHaSettingsRequest, IotMqttSettingsRequest, type DirectoryEntry, type IotChangeResult, type IotStatus, type IotView } from '../../../../../src-shared/contract';
import { describeError } from '../../settings/errors';
import type { HomeApi } from './api';

export type Target = 'ha' | 'mqtt';
export type Part = 'ha' | 'mqtt' | 'allow' | 'critical';

export interface Outcome {
  status: 'idle' | 'busy' | 'ok' | 'failed';
  message: string | null;
}

export interface HomeForms {
  ha: { url: string; token: string; watch: string };
  mqtt: { url: string; username: string; password: string; topics: string };
  allow: { call_service: string; get_state: string; publish: string };
  critical: string[];
}

export interface HomeState {
  view: IotView | null;
  entities: DirectoryEntry[];
  entityQuery: string;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  error: string | null;
  forms: HomeForms;
  /**
   * Forms a refresh must leave alone: edited (as typed) or saved (showing what the daemon answered until
   * the live view, which may lag a moment, agrees).
   */
  dirty: Partial<Record<Part, 'edited' | 'saved'>>;
  saves: Record<Part, Outcome>;
  tests: Record<Target, Outcome>;
  refresh(): Promise<void>;
  setEntityQuery(q: string): Promise<void>;
  edit<P extends Exclude<Part, 'critical'>>(part: P, patch: Partial<HomeForms[P]>): void;
  toggleCritical(entityId: string): void;
  save(part: Part): Promise<void>;
  test(target: Target): Promise<void>;
}

const idle = (): Outcome => ({ status: 'idle', message: null });
const lines = (text: string) => text.split(/[\n,]+/).map((l) => l.trim()).filter((l) => l !== '');

function formsOf(status: IotStatus | null, forms: HomeForms, dirty: Partial<Record<Part, 'edited' | 'saved'>>): HomeForms {
  if (!status) return forms;
  return {
    ha: dirty.ha ? forms.ha : { url: status.ha.url ?? '', token: '', watch: status.ha.watch.join('\n') },
    mqtt: dirty.mqtt ? forms.mqtt : { url: status.mqtt.url ?? '', username: status.mqtt.username ?? '', password: '', topics: status.mqtt.subscriptions.map((s) => s.topic).join('\n') },
    allow: dirty.allow ? forms.allow : { call_service: status.allow.call_service.join('\n'), get_state: status.allow.get_state.join('\n'), publish: status.allow.publish.join('\n') },
    critical: dirty.critical ? forms.critical : [...status.critical],
  };
}

const emptyForms = (): HomeForms => ({ ha: { url: '', token: '', watch: '*' }, mqtt: { url: '', username: '', password: '', topics: '' }, allow: { call_service: '', get_state: '', publish: '' }, critical: [] });

function sameForm(part: Part, a: HomeForms, b: HomeForms): boolean {
  if (part === 'ha') return a.ha.url === b.ha.url && a.ha.watch === b.ha.watch;
  if (part === 'mqtt') return a.mqtt.url === b.mqtt.url && a.mqtt.username === b.mqtt.username && a.mqtt.topics === b.mqtt.topics;
  return JSON.stringify(a[part]) === JSON.stringify(b[part]);
}

/** The first schema problem, naming its field. */
function firstProblem(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'value'}: ${issue.message}` : 'not valid';
}

/** A form as its request, checked with the server's schema; secrets go only when typed. */
export function requestFor(part: Exclude<Part, 'critical'>, forms: HomeForms, status: IotStatus | null): { ok: true; body: unknown } | { ok: false; message: string } {
  if (part === 'ha') {
    const f = forms.ha;
    const parsed = IotHaSettingsRequest.safeParse({ url: f.url.trim() || null, watch: lines(f.watch), ...(f.token.trim() ? { token: f.token.trim() } : {}) });
    return parsed.success ? { ok: true, body: parsed.data } : { ok: false, message: firstProblem(parsed.error) };
  }
  if (part === 'mqtt') {
    const f = forms.mqtt;
    const existing = new Map((status?.mqtt.subscriptions ?? []).map((s) => [s.topic, s]));
    const subscriptions = lines(f.topics).map((topic) => existing.get(topic) ?? { topic });
    const parsed = IotMqttSettingsRequest.safeParse({ url: f.url.trim() || null, username: f.username.trim() || null, subscriptions, ...(f.password ? { password: f.password } : {}) });
    return parsed.success ? { ok: true, body: parsed.data } : { ok: false, message: firstProblem(parsed.error) };
  }
  const parsed = IotAllowListsRequest.safeParse({ call_service: lines(forms.allow.call_service), get_state: lines(forms.allow.get_state), publish: lines(forms.allow.publish) });
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, message: firstProblem(parsed.error) };
}

/** An adapter's health in words. */
export function describeAdapter(health: IotStatus['ha'] | IotStatus['mqtt'] | null, name: string): string {
  if (!health) return `${name}: no report from the daemon yet.`;
  if (!health.configured) return `${name}: not set up.`;
  const since = health.since ? ` since ${new Date(health.since).toLocaleTimeString()}` : '';
  if (health.connected) return `${name}: connected${since}${health.reconnects ? `, ${health.reconnects} reconnects` : ''}.`;
  return `${name}: not connected${since}${health.last_error ? ` — ${health.last_error}` : ''}.`;
}

export function createHomeStore(api: HomeApi) {
  return createStore<HomeState>()((set, get) => {
    const setSave = (part: Part, outcome: Outcome) => set({ saves: { ...get().saves, [part]: outcome } });
    const setTest = (target: Target, outcome: Outcome) => set({ tests: { ...get().tests, [target]: outcome } });
    const loadEntities = async () => {
      try {
        set({ entities: (await api.entities(get().entityQuery)).entities });
      } catch {
        // The view's own error says why; the list keeps what it had.
      }
    };
    return {
      view: null,
      entities: [],
      entityQuery: '',
      status: 'idle',
      error: null,
      forms: emptyForms(),
      dirty: {},
      saves: { ha: idle(), mqtt: idle(), allow: idle(), critical: idle() },
      tests: { ha: idle(), mqtt: idle() },

      async refresh() {
        if (get().status === 'idle') set({ status: 'loading' });
        try {
          const view = await api.view();
          const fresh = formsOf(view.status, get().forms, {});
          // A saved form hands back to the live view once the view shows what was saved (secrets aside, which are never shown).
          const dirty = Object.fromEntries(Object.entries(get().dirty).filter(([part, flag]) => !(flag === 'saved' && sameForm(part as Part, fresh, get().forms)))) as HomeState['dirty'];
          set({ view, dirty, forms: formsOf(view.status, get().forms, dirty), status: 'ready', error: null });
          await loadEntities();
        } catch (err) {
          set({ status: 'failed', error: describeError(err) });
        }
      },

      async setEntityQuery(q) {
        set({ entityQuery: q });
        await loadEntities();
      },

      edit(part, patch) {
        const saves = get().saves[part].status === 'busy' ? get().saves : { ...get().saves, [part]: idle() };
        set({ forms: { ...get().forms, [part]: { ...get().forms[part], ...patch } }, dirty: { ...get().dirty, [part]: 'edited' }, saves });
      },

      toggleCritical(entityId) {
        const now = get().forms.critical;
        const critical = now.includes(entityId) ? now.filter((e) => e !== entityId) : [...now, entityId].sort();
        set({ forms: { ...get().forms, critical }, dirty: { ...get().dirty, critical: 'edited' }, saves: { ...get().saves, critical: idle() } });
      },

      async save(part) {
        if (get().saves[part].status === 'busy') return;
        const status = get().view?.status ?? null;
        let call: () => Promise<IotChangeResult>;
        if (part === 'critical') {
          const entities = get().forms.critical;
          call = () => api.saveCritical(entities);
        } else {
          const built = requestFor(part, get().forms, status);
          if (!built.ok) {
            setSave(part, { status: 'failed', message: `${built.message}. Nothing was sent.` });
            return;
          }
          const body = built.body;
          call = () => (part === 'ha' ? api.saveHa(body as IotHaSettingsRequest) : part === 'mqtt' ? api.saveMqtt(body as IotMqttSettingsRequest) : api.saveAllowLists(body as IotAllowListsRequest));
        }
        setSave(part, { status: 'busy', message: 'Sent to the daemon; a change that widens what Jarvis may do waits for its owner to confirm on the daemon’s screen…' });
        try {
          const result = await call();
          // The daemon's answer is the truth now: the form shows it, secrets cleared, until the live view catches up.
          const saved = formsOf(result.status, get().forms, {});
          const view = get().view;
          set({ forms: { ...get().forms, [part]: saved[part] }, dirty: { ...get().dirty, [part]: 'saved' }, ...(view ? { view: { ...view, status: result.status } } : {}) });
          setSave(part, { status: 'ok', message: 'Saved on the daemon.' });
        } catch (err) {
          setSave(part, { status: 'failed', message: describeError(err) });
        }
      },

      async test(target) {
        if (get().tests[target].status === 'busy') return;
        const f = get().forms;
        const stored = get().view?.status?.[target].url ?? null;
        const url = target === 'ha' ? f.ha.url.trim() : f.mqtt.url.trim();
        const secret = target === 'ha' ? f.ha.token.trim() : f.mqtt.password;
        // The stored address is tested with the stored credentials unless new ones were typed.
        const request = {
          target,
          ...(url && (url !== stored || secret) ? { url } : {}),
          ...(target === 'mqtt' && f.mqtt.username.trim() && url !== stored ? { username: f.mqtt.username.trim() } : {}),
          ...(secret ? { secret } : {}),
        };
        setTest(target, { status: 'busy', message: 'Testing…' });
        try {
          const result = await api.test(request);
          setTest(target, result.ok ? { status: 'ok', message: `Connected${result.version ? ` (version ${result.version})` : ''}; nothing was saved.` } : { status: 'failed', message: `Could not connect: ${result.error ?? 'no reason given'}.` });
        } catch (err) {
          setTest(target, { status: 'failed', message: describeError(err) });
        }
      },
    };
  });
}

export type HomeStore = ReturnType<typeof createHomeStore>;
