// Settings: the pairing form checked with the server's own schema, the link's state after pairing or a refusal, and the sections list.
import { describe, expect, it } from 'vitest';
import type { DaemonPairResult, Integrations, SystemInfo } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { SettingsApi } from './api';
import { describeError, fieldProblems } from './errors';
import { SETTINGS_SECTIONS } from './sections';
import { checkPairForm, createSettingsStore } from './store';

const CODE = 'A'.repeat(68);
const system: SystemInfo = { version: '0.1.0', data_folder: '/home/me/.config/Jarvis', database_file: '/home/me/.config/Jarvis/jarvis.db', config_file: '/c.json', tools_folder: '/t', runtime: { node: '22.0.0', platform: 'linux', arch: 'x64' } };
const unpaired: Integrations = { daemon: { paired: false, connected: false, url: null, daemon_id: null, app_fingerprint: 'f'.repeat(64), last_error: null } };

function fakeApi(pair: SettingsApi['pairDaemon']): SettingsApi & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    system: async () => system,
    integrations: async () => unpaired,
    pairDaemon: (request) => {
      sent.push(request);
      return pair(request);
    },
  };
}

describe('checkPairForm', () => {
  it('names each wrong field before anything is sent', () => {
    const result = checkPairForm({ url: 'http://host', code: 'abc' });
    expect(result).toEqual({ ok: false, fieldErrors: { url: expect.stringMatching(/ws:\/\/ or wss:\/\//), code: expect.stringMatching(/too short/) } });
    expect(checkPairForm({ url: ' ws://127.0.0.1:7724 ', code: ` ${CODE}\n` })).toEqual({ ok: true, request: { url: 'ws://127.0.0.1:7724', code: CODE } });
    expect(checkPairForm({ url: 'ws://h', code: `${CODE}!` })).toMatchObject({ ok: false, fieldErrors: { code: expect.stringMatching(/exactly as printed/) } });
  });
});

describe('settings store', () => {
  it('loads the install facts and the link; one failing still shows the other with what to do', async () => {
    const store = createSettingsStore({ ...fakeApi(() => Promise.reject(new Error('unused'))), integrations: () => Promise.reject(new ApiError(0, 'network', 'Cannot reach Jarvis.')) });
    await store.getState().load();
    expect(store.getState().system).toEqual(system);
    expect(store.getState().integrations).toBeNull();
    expect(store.getState()).toMatchObject({ status: 'failed', error: expect.stringMatching(/Cannot reach Jarvis\. Check that Jarvis is still running/) });
  });

  it('a form with mistakes sends nothing; fixing a field clears its message', async () => {
    const api = fakeApi(() => Promise.reject(new Error('unused')));
    const store = createSettingsStore(api);
    store.getState().setPairField('url', 'localhost:7724');
    await store.getState().submitPair();
    expect(api.sent).toEqual([]);
    expect(store.getState().pair.fieldErrors).toMatchObject({ url: expect.any(String), code: expect.any(String) });
    store.getState().setPairField('url', 'ws://localhost:7724');
    expect(store.getState().pair.fieldErrors.url).toBeUndefined();
    expect(store.getState().pair.fieldErrors.code).toBeDefined();
  });

  it('pairing shows the pinned daemon, clears the code and updates the link', async () => {
    const result: DaemonPairResult = {
      daemon_id: 'd'.repeat(64),
      url: 'ws://127.0.0.1:7724',
      paired_at: '2025-01-01T00:00:00Z',
      daemon_key_fingerprint: 'k'.repeat(64),
      daemon: { ...unpaired.daemon, paired: true, connected: true, url: 'ws://127.0.0.1:7724', daemon_id: 'd'.repeat(64) },
    };
    const api = fakeApi(async () => result);
    const store = createSettingsStore(api);
    await store.getState().load();
    store.getState().setPairField('url', 'ws://127.0.0.1:7724');
    store.getState().setPairField('code', CODE);
    await store.getState().submitPair();
    expect(api.sent).toEqual([{ url: 'ws://127.0.0.1:7724', code: CODE }]);
    expect(store.getState().pair).toMatchObject({ status: 'paired', code: '', result, message: expect.stringMatching(/^Paired with daemon d{16}…/) });
    expect(store.getState().integrations?.daemon).toMatchObject({ paired: true, connected: true });
  });

  it('a refused code is said in words and marks the field the server named', async () => {
    const refusal = Object.assign(new ApiError(422, 'unprocessable', 'Pairing failed: the proof does not match. Nothing was pinned. Run `jarvis-daemon pair` again.'), {
      details: [{ field: 'code', problem: 'the daemon did not accept this code' }],
    });
    const store = createSettingsStore(fakeApi(() => Promise.reject(refusal)));
    store.getState().setPairField('url', 'ws://127.0.0.1:7724');
    store.getState().setPairField('code', CODE);
    await store.getState().submitPair();
    expect(store.getState().pair).toMatchObject({ status: 'failed', fieldErrors: { code: 'the daemon did not accept this code' }, message: refusal.message });
    expect(store.getState().integrations).toEqual(unpaired);
  });
});

describe('errors in words', () => {
  it('adds what to do after the server’s words, once', () => {
    expect(describeError(new ApiError(403, 'forbidden', 'Needs the owner role.'))).toBe('Needs the owner role. This needs the owner’s sign-in (the token in the data folder’s api-token file).');
    expect(describeError(new ApiError(400, 'bad_request', 'Bad. Correct it and try again.'))).toBe('Bad. Correct it and try again.');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(fieldProblems(new ApiError(400, 'bad_request', 'x'))).toEqual({});
    expect(fieldProblems({ details: [{ field: 'a', problem: 'p' }, { field: 'a', problem: 'q' }] })).toEqual({ a: 'p; q' });
  });
});

describe('SETTINGS_SECTIONS', () => {
  it('has one entry per area, each either with its panel or saying what will come', () => {
    const ids = SETTINGS_SECTIONS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['daemon', 'install', 'llm', 'memory', 'mcp', 'iot', 'schedules', 'rules']));
    for (const section of SETTINGS_SECTIONS) expect(section.Panel !== undefined || (section.upcoming ?? '').length > 20).toBe(true);
  });
});
