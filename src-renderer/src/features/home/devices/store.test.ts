// Home devices: forms filled from the daemon's status, secrets sent only when typed, saved values kept until the live view agrees, tests in words.
import { describe, expect, it } from 'vitest';
import type { IotStatus, IotTestRequest, IotView } from '../../../../../src-shared/contract';
import { ApiError } from '../../../lib/api';
import type { HomeApi } from './api';
import { createHomeStore, describeAdapter, requestFor } from './store';

const adapter = { configured: false, connected: false, since: null, last_message_at: null, last_error: null, last_error_at: null, reconnects: 0 };
const baseStatus = (): IotStatus => ({
  ha: { ...adapter, url: null, has_token: false, watch: ['*'], entities: 0 },
  mqtt: { ...adapter, url: null, username: null, has_password: false, client_id: 'jarvis', protocol_version: 5, subscriptions: [] },
  allow: { call_service: [], get_state: [], publish: [] },
  critical: [],
  seal_key: 'k',
  backlog: 0,
});

/** The daemon's side: saves change the status it answers with; the live view lags until `catchUp`. */
function daemon() {
  let truth = baseStatus();
  let reported = truth;
  const sent: unknown[] = [];
  const tests: IotTestRequest[] = [];
  const change = (next: IotStatus) => {
    truth = next;
    return { changed: ['x'], status: truth };
  };
  const api: HomeApi = {
    view: async (): Promise<IotView> => ({ paired: true, link: { connected: true, since: null, last_event_at: null, last_error: null, events_received: 0 }, status: reported }),
    entities: async () => ({ entities: [{ entity_id: 'lock.front_door', name: 'Front Door', area: 'Hall', state: 'locked', allowed: true, critical: false }], total: 1 }),
    saveHa: async (r) => {
      sent.push(r);
      return change({ ...truth, ha: { ...truth.ha, url: r.url, has_token: truth.ha.has_token || typeof r.token === 'string', watch: r.watch ?? truth.ha.watch, configured: true } });
    },
    saveMqtt: async (r) => {
      sent.push(r);
      return change({ ...truth, mqtt: { ...truth.mqtt, url: r.url, username: r.username ?? null, subscriptions: r.subscriptions ?? [] } });
    },
    saveAllowLists: async (r) => {
      sent.push(r);
      return change({ ...truth, allow: { call_service: r.call_service ?? truth.allow.call_service, get_state: r.get_state ?? truth.allow.get_state, publish: r.publish ?? truth.allow.publish } });
    },
    saveCritical: async (entities) => {
      if (entities.includes('lock.back_door')) throw new ApiError(403, 'forbidden', "The daemon's owner did not confirm the change: denied.");
      sent.push({ entities });
      return change({ ...truth, critical: entities });
    },
    test: async (r) => {
      tests.push(r);
      return r.secret === 'right' || r.secret === undefined ? { target: r.target, ok: true, version: '2025.1.0' } : { target: r.target, ok: false, error: 'Home Assistant refused the token' };
    },
  };
  return { api, sent, tests, catchUp: () => (reported = truth) };
}

describe('requests from the forms', () => {
  it('send a secret only when typed and name a bad value by its field', () => {
    const forms = { ha: { url: 'http://ha:8123', token: '', watch: 'light.*\nswitch.pump' }, mqtt: { url: '', username: '', password: '', topics: 'home/#/x' }, allow: { call_service: 'light.*', get_state: '', publish: '' }, critical: [] };
    expect(requestFor('ha', forms, null)).toEqual({ ok: true, body: { url: 'http://ha:8123', watch: ['light.*', 'switch.pump'] } });
    expect(requestFor('ha', { ...forms, ha: { ...forms.ha, token: ' t ' } }, null)).toMatchObject({ ok: true, body: { token: 't' } });
    expect(requestFor('mqtt', forms, null)).toEqual({ ok: false, message: expect.stringMatching(/^subscriptions\.0\.topic: an MQTT topic filter/) });
    expect(requestFor('allow', forms, null)).toEqual({ ok: true, body: { call_service: ['light.*'], get_state: [], publish: [] } });
  });

  it('keeps an existing subscription’s details for a topic still listed', () => {
    const status = baseStatus();
    status.mqtt.subscriptions = [{ topic: 'notes/#', qos: 0, format: 'text' }];
    const forms = { ha: { url: '', token: '', watch: '' }, mqtt: { url: 'mqtt://b:1883', username: 'u', password: '', topics: 'notes/#\nhome/#' }, allow: { call_service: '', get_state: '', publish: '' }, critical: [] };
    expect(requestFor('mqtt', forms, status)).toMatchObject({ ok: true, body: { subscriptions: [{ topic: 'notes/#', qos: 0, format: 'text' }, { topic: 'home/#', qos: 1, format: 'json' }] } });
  });
});

describe('health in words', () => {
  it('says not set up, connected or why not', () => {
    expect(describeAdapter(null, 'MQTT')).toBe('MQTT: no report from the daemon yet.');
    expect(describeAdapter(baseStatus().mqtt, 'MQTT')).toBe('MQTT: not set up.');
    expect(describeAdapter({ ...baseStatus().ha, configured: true, last_error: 'connection refused' }, 'Home Assistant')).toBe('Home Assistant: not connected — connection refused.');
  });
});

describe('home store', () => {
  it('saves Home Assistant, clears the typed token, and keeps showing what was saved while the live view lags', async () => {
    const d = daemon();
    const store = createHomeStore(d.api);
    await store.getState().refresh();
    store.getState().edit('ha', { url: 'http://ha:8123', token: 'secret-token' });
    await store.getState().save('ha');
    expect(d.sent).toEqual([{ url: 'http://ha:8123', watch: ['*'], token: 'secret-token' }]);
    expect(store.getState().forms.ha).toEqual({ url: 'http://ha:8123', token: '', watch: '*' });
    expect(store.getState().saves.ha.status).toBe('ok');

    // The live view still reports the old status: the form is not reverted.
    await store.getState().refresh();
    expect(store.getState().forms.ha.url).toBe('http://ha:8123');
    expect(store.getState().dirty).toEqual({ ha: 'saved' });
    d.catchUp();
    await store.getState().refresh();
    expect(store.getState().dirty).toEqual({});
  });

  it('a refused critical mark says why, and the form keeps the person’s choice', async () => {
    const d = daemon();
    const store = createHomeStore(d.api);
    await store.getState().refresh();
    store.getState().toggleCritical('lock.back_door');
    await store.getState().save('critical');
    expect(store.getState().saves.critical).toEqual({ status: 'failed', message: expect.stringMatching(/did not confirm the change: denied\. This needs the owner’s sign-in/) });
    await store.getState().refresh();
    expect(store.getState().forms.critical).toEqual(['lock.back_door']);
    store.getState().toggleCritical('lock.back_door');
    store.getState().toggleCritical('lock.front_door');
    await store.getState().save('critical');
    expect(d.sent.at(-1)).toEqual({ entities: ['lock.front_door'] });
  });

  it('tests the stored address with its stored secret, or what was typed', async () => {
    const d = daemon();
    const store = createHomeStore(d.api);
    await store.getState().refresh();
    store.getState().edit('ha', { url: 'http://ha:8123', token: 'wrong' });
    await store.getState().test('ha');
    expect(d.tests.at(-1)).toEqual({ target: 'ha', url: 'http://ha:8123', secret: 'wrong' });
    expect(store.getState().tests.ha).toEqual({ status: 'failed', message: 'Could not connect: Home Assistant refused the token.' });
    store.getState().edit('ha', { token: 'right' });
    await store.getState().save('ha');
    d.catchUp();
    await store.getState().refresh();
    await store.getState().test('ha');
    expect(d.tests.at(-1)).toEqual({ target: 'ha' });
    expect(store.getState().tests.ha).toEqual({ status: 'ok', message: 'Connected (version 2025.1.0); nothing was saved.' });
  });
});
