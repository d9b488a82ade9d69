// MCP servers: the add form checked by the server's schema, consent tied to the command line shown, actions and policy drafts kept per server.
import { describe, expect, it } from 'vitest';
import type { McpServerView, McpTrustPolicy } from '../../../../src-shared/contract';
import { ApiError } from '../../lib/api';
import type { McpApi } from './api';
import { buildAddRequest, createMcpStore, describeHealth, draftOf, policyOf } from './store';

function view(name: string, over: Partial<McpServerView> = {}, health: Partial<McpServerView['health']> = {}): McpServerView {
  return {
    name,
    transport: 'stdio',
    status: 'awaiting_consent',
    command_line: `/usr/bin/node /srv/${name}.js`,
    config: { transport: 'stdio', command: '/usr/bin/node', args: [`/srv/${name}.js`], env: ['HOME'], cwd: null, call_timeout_ms: 30000 },
    policy: { trusted: false, allowed_tools: ['*'], approval: 'by_risk', tool_risk: {} },
    added_by: 'person:owner',
    added_at: '2026-01-01T00:00:00Z',
    consented_by: null,
    consented_at: null,
    health: { name, transport: 'stdio', status: 'awaiting_consent', state: 'not_started', connected: false, last_error: null, last_connected_at: null, last_failure_at: null, attempts: 0, next_retry_at: null, pid: null, server_info: null, tools: 0, tools_needing_review: 0, invalid_messages: 0, ...health },
    tools: [],
    tool_errors: [],
    ...over,
  };
}

function server(): McpApi & { consents: [string, string][]; policies: McpTrustPolicy[] } {
  const servers = new Map<string, McpServerView>();
  const consents: [string, string][] = [];
  const policies: McpTrustPolicy[] = [];
  const get = (name: string) => {
    const s = servers.get(name);
    if (!s) throw new ApiError(404, 'not_found', `No MCP server "${name}".`);
    return s;
  };
  return {
    consents,
    policies,
    list: async () => ({ servers: [...servers.values()] }),
    add: async (request) => {
      if (servers.has(request.name)) throw new ApiError(409, 'conflict', `An MCP server named "${request.name}" exists.`, [{ field: 'name', problem: 'is taken' }]);
      const v = view(request.name);
      servers.set(request.name, v);
      return { server: v, consent: { command_line: v.command_line, environment: ['PATH=/usr/bin', 'HOME'], cwd: null, message: `Jarvis will run this program as you, with your rights: ${v.command_line}` } };
    },
    consent: async (name, line) => {
      consents.push([name, line]);
      const v = { ...get(name), status: 'enabled' as const };
      servers.set(name, v);
      return v;
    },
    disable: async (name) => {
      const v = { ...get(name), status: 'disabled' as const };
      servers.set(name, v);
      return v;
    },
    reconnect: async (name) => {
      if (get(name).status !== 'enabled') throw new ApiError(409, 'conflict', `MCP server "${name}" is not enabled; consent to it first.`);
      return get(name);
    },
    remove: async (name) => {
      get(name);
      servers.delete(name);
    },
    setPolicy: async (name, policy) => {
      policies.push(policy);
      const v = { ...get(name), policy };
      servers.set(name, v);
      return v;
    },
  };
}

describe('the add form', () => {
  it('becomes a stdio request with one argument per line and env names split on spaces or commas', () => {
    expect(buildAddRequest({ transport: 'stdio', name: 'files', command: 'npx', args: '-y\n@scope/server files\n', env: 'HOME, LANG', url: '' })).toMatchObject({
      ok: true,
      request: { transport: 'stdio', name: 'files', command: 'npx', args: ['-y', '@scope/server files'], env: ['HOME', 'LANG'] },
    });
  });

  it('names each bad field', () => {
    const checked = buildAddRequest({ transport: 'stdio', name: 'Files!', command: ' ', args: '', env: 'not-a-name', url: '' });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(Object.keys(checked.fieldErrors).sort()).toEqual(['command', 'env', 'name']);
    expect(buildAddRequest({ transport: 'http', name: 'web', command: '', args: '', env: '', url: 'ftp://x' })).toEqual({ ok: false, fieldErrors: { url: 'must be an http:// or https:// URL' } });
  });
});

describe('policy drafts', () => {
  it('round-trip, and a bad allowed tool is named', () => {
    const policy: McpTrustPolicy = { trusted: true, default_risk: 'high', allowed_tools: ['read_*', 'list'], approval: 'always', tool_risk: { list: 'low' } };
    expect(policyOf(draftOf(policy))).toEqual({ ok: true, policy });
    expect(policyOf({ ...draftOf(policy), allowed_tools: 'bad name!' })).toEqual({ ok: false, message: expect.stringMatching(/^allowed_tools\.0: must be a tool name/) });
  });
});

describe('health in words', () => {
  it('tells waiting, connected and degraded apart', () => {
    expect(describeHealth(view('a'))).toMatch(/Waiting for your consent/);
    expect(describeHealth(view('a', { status: 'enabled' }, { state: 'connected', pid: 42, tools: 3, server_info: { name: 'fs', version: '1.0' } }))).toBe('Connected to fs 1.0 (process 42); 3 tools.');
    expect(describeHealth(view('a', { status: 'enabled' }, { state: 'degraded', last_error: 'the process exited', attempts: 2 }))).toBe('Degraded: the process exited; 2 failed tries.');
  });
});

describe('mcp store', () => {
  it('add opens the consent step; consenting sends the command line shown', async () => {
    const api = server();
    const store = createMcpStore(api);
    await store.getState().load();
    store.getState().setForm({ name: 'files', command: '/usr/bin/node', args: '/srv/files.js' });
    await store.getState().submitAdd();
    expect(store.getState().consent).toMatchObject({ name: 'files', transport: 'stdio', command_line: '/usr/bin/node /srv/files.js', environment: ['PATH=/usr/bin', 'HOME'] });
    expect(store.getState().form.name).toBe('');
    await store.getState().giveConsent();
    expect(api.consents).toEqual([['files', '/usr/bin/node /srv/files.js']]);
    expect(store.getState()).toMatchObject({ consent: null, rowNotes: { files: 'Started with your consent.' } });
    expect(store.getState().servers[0]?.status).toBe('enabled');

    // The same name again: the server's reason lands on the name field.
    store.getState().setForm({ name: 'files', command: 'x' });
    await store.getState().submitAdd();
    expect(store.getState().formErrors).toEqual({ name: 'is taken' });
    expect(store.getState().addMessage).toMatch(/exists\. .*Nothing was added\.$/);
  });

  it('disable, a refused reconnect in words, review again, and remove', async () => {
    const api = server();
    const store = createMcpStore(api);
    store.getState().setForm({ name: 'web', command: 'node' });
    await store.getState().submitAdd();
    await store.getState().giveConsent();
    await store.getState().act('web', 'disable');
    expect(store.getState().servers[0]?.status).toBe('disabled');
    await store.getState().act('web', 'reconnect');
    expect(store.getState().rowErrors.web).toMatch(/consent to it first\. Something changed meanwhile/);
    store.getState().review('web');
    expect(store.getState().consent?.command_line).toBe('/usr/bin/node /srv/web.js');
    store.getState().closeConsent();
    await store.getState().act('web', 'remove');
    expect(store.getState().servers).toEqual([]);
  });

  it('keeps a policy draft across refreshes and saves it', async () => {
    const api = server();
    const store = createMcpStore(api);
    store.getState().setForm({ name: 'files', command: 'node' });
    await store.getState().submitAdd();
    store.getState().editPolicy('files', { approval: 'always' });
    await store.getState().load(true);
    expect(store.getState().drafts.files?.approval).toBe('always');
    await store.getState().savePolicy('files');
    expect(api.policies).toEqual([{ trusted: false, allowed_tools: ['*'], approval: 'always', tool_risk: {} }]);
    expect(store.getState().drafts).toEqual({});
    expect(store.getState().servers[0]?.policy.approval).toBe('always');
  });
});
