// Grants: what a grant covers and what it never covers, proposed scopes, request validation and the scope's description.
import { describe, expect, it } from 'vitest';
import { GrantScopeSchema, describeScope, findGrant, grantCovers, scopeFromCall, validateGrantRequest, type Grant, type GrantScope, type Risk } from './index';

const NOW = 1_700_000_000_000;
const grant = (scope: GrantScope, over: Partial<Grant> = {}): Grant => ({ id: 'g1', scope, risk_ceiling: 'medium', expires_at: NOW + 60_000, revoked: false, ...over });
const call = (tool: string, input: unknown, risk: Risk = 'low', now = NOW): { tool: string; input: unknown; risk: Risk; now: number } => ({ tool, input, risk, now });

describe('a GET grant for one host', () => {
  const scope = scopeFromCall('http_request', { method: 'GET', url: 'https://api.example.com/v1/items?page=1' }, 'same_host');
  const g = grant(scope);

  it('is proposed as method and host', () => {
    expect(scope).toEqual({ tool: 'http_request', match: { method: { equals: 'GET' }, url: { host: 'api.example.com' } } });
    expect(describeScope(scope)).toBe('http_request with method = GET and url host = api.example.com');
  });

  it('covers a second GET to that host, any path, any case of the name', () => {
    expect(grantCovers(g, call('http_request', { method: 'GET', url: 'https://api.example.com/v2/other' }))).toBe(true);
    expect(grantCovers(g, call('http_request', { method: 'GET', url: 'http://API.EXAMPLE.COM./x' }))).toBe(true);
  });

  it('does not cover another host, look-alikes included', () => {
    for (const url of ['https://example.com/', 'https://api.example.com.evil.net/', 'https://api.example.com@evil.net/', 'https://evil.net/?u=https://api.example.com/']) {
      expect(grantCovers(g, call('http_request', { method: 'GET', url })), url).toBe(false);
    }
  });

  it('does not cover a POST, another tool, or an unreadable URL', () => {
    expect(grantCovers(g, call('http_request', { method: 'POST', url: 'https://api.example.com/' }))).toBe(false);
    expect(grantCovers(g, call('http_fetch', { method: 'GET', url: 'https://api.example.com/' }))).toBe(false);
    expect(grantCovers(g, call('http_request', { method: 'GET', url: 'api.example.com' }))).toBe(false);
  });

  it('stops at expiry', () => {
    const again = { method: 'GET', url: 'https://api.example.com/' };
    expect(grantCovers(g, call('http_request', again, 'low', NOW + 59_999))).toBe(true);
    expect(grantCovers(g, call('http_request', again, 'low', NOW + 60_000))).toBe(false);
    expect(grantCovers(g, call('http_request', again, 'low', Number.NaN))).toBe(false);
  });

  it('stops when revoked', () => {
    expect(grantCovers({ ...g, revoked: true }, call('http_request', { method: 'GET', url: 'https://api.example.com/' }))).toBe(false);
  });

  it('covers nothing above its ceiling, and never critical', () => {
    const get = { method: 'GET', url: 'https://api.example.com/' };
    expect(grantCovers(g, call('http_request', get, 'medium'))).toBe(true);
    expect(grantCovers(g, call('http_request', get, 'high'))).toBe(false);
    expect(grantCovers(g, call('http_request', get, 'critical'))).toBe(false);
    expect(grantCovers({ ...g, risk_ceiling: 'critical' }, call('http_request', get, 'critical'))).toBe(false);
    expect(grantCovers({ ...g, risk_ceiling: 'critical' }, call('http_request', get, 'low'))).toBe(false);
    expect(grantCovers(g, call('http_request', get, 'bogus' as Risk))).toBe(false);
  });
});

describe('host matcher ports', () => {
  it('with a port, covers only that port', () => {
    const g = grant({ tool: 'http_request', match: { url: { host: 'example.com:8443' } } });
    expect(grantCovers(g, call('http_request', { url: 'https://example.com:8443/a' }))).toBe(true);
    expect(grantCovers(g, call('http_request', { url: 'https://example.com/a' }))).toBe(false);
    expect(grantCovers(g, call('http_request', { url: 'https://example.com:9443/a' }))).toBe(false);
  });

  it('without a port, covers only the default port', () => {
    const g = grant({ tool: 'http_request', match: { url: { host: 'example.com' } } });
    expect(grantCovers(g, call('http_request', { url: 'https://example.com/a' }))).toBe(true);
    expect(grantCovers(g, call('http_request', { url: 'https://example.com:443/a' }))).toBe(true);
    expect(grantCovers(g, call('http_request', { url: 'https://example.com:8443/a' }))).toBe(false);
  });

  it('is proposed with the port when the call named one', () => {
    expect(scopeFromCall('http_request', { url: 'https://example.com:8443/x' }, 'same_host').match).toEqual({ method: { equals: 'GET' }, url: { host: 'example.com:8443' } });
  });
});

describe('same_entity', () => {
  const scope = scopeFromCall('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'light.kitchen', brightness: 80 }, 'same_entity');
  const g = grant(scope);

  it('pins the entity', () => {
    expect(scope).toEqual({ tool: 'ha.call_service', match: { entity_id: { equals: 'light.kitchen' } }, entity: 'light.kitchen' });
    expect(describeScope(scope)).toBe('ha.call_service with entity_id = light.kitchen and only entity light.kitchen');
  });

  it('covers other actions on that entity, not other entities', () => {
    expect(grantCovers(g, call('ha.call_service', { domain: 'light', service: 'turn_off', entity_id: 'light.kitchen' }))).toBe(true);
    expect(grantCovers(g, call('ha.call_service', { domain: 'light', service: 'turn_off', entity_id: 'light.hall' }))).toBe(false);
  });

  it('does not let a second entity ride along elsewhere in the call', () => {
    expect(grantCovers(g, call('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'light.kitchen', target: { entity_id: 'light.hall' } }))).toBe(false);
    expect(grantCovers(g, call('ha.call_service', { domain: 'light', service: 'turn_on', entity_id: 'light.kitchen, light.hall' }))).toBe(false);
  });

  it('proposes a scope that pins nothing, and is refused, when the call has no single entity', () => {
    const none = scopeFromCall('ha.call_service', { domain: 'light', service: 'turn_on' }, 'same_entity');
    expect(none).toEqual({ tool: 'ha.call_service', match: {} });
    expect(validateGrantRequest(none, 'low', 10)).toEqual({ ok: false, reason: expect.stringMatching(/must pin at least one/) as unknown });
    expect(scopeFromCall('ha.call_service', { entity_id: ['light.a', 'light.b'] }, 'same_entity').entity).toBeUndefined();
  });
});

describe('prefix, oneOf, json and missing keys', () => {
  it('prefix covers text under it, not text that climbs out', () => {
    const g = grant({ tool: 'daemon.file_move', match: { from: { prefix: '/home/ada/Downloads/' } } });
    expect(grantCovers(g, call('daemon.file_move', { from: '/home/ada/Downloads/a.pdf', to: '/x' }))).toBe(true);
    expect(grantCovers(g, call('daemon.file_move', { from: '/home/ada/Documents/a.pdf', to: '/x' }))).toBe(false);
    expect(grantCovers(g, call('daemon.file_move', { from: '/home/ada/Downloads/../.ssh/id_ed25519', to: '/x' }))).toBe(false);
    expect(grantCovers(g, call('daemon.file_move', { from: '/home/ada/Downloads/%2e%2e/.ssh/id', to: '/x' }))).toBe(false);
    expect(grantCovers(g, call('daemon.file_move', { from: 42, to: '/x' }))).toBe(false);
  });

  it('oneOf covers the listed values only, with their types', () => {
    const g = grant({ tool: 'daemon.open_app', match: { app: { oneOf: ['Calculator', 'Notes', 3] } } });
    expect(grantCovers(g, call('daemon.open_app', { app: 'Notes' }))).toBe(true);
    expect(grantCovers(g, call('daemon.open_app', { app: 3 }))).toBe(true);
    expect(grantCovers(g, call('daemon.open_app', { app: '3' }))).toBe(false);
    expect(grantCovers(g, call('daemon.open_app', { app: 'Terminal' }))).toBe(false);
  });

  it('a matched key that is missing covers nothing', () => {
    const g = grant({ tool: 'daemon.open_app', match: { app: { equals: 'Notes' } } });
    expect(grantCovers(g, call('daemon.open_app', {}))).toBe(false);
    expect(grantCovers(g, call('daemon.open_app', { app: undefined }))).toBe(false);
    expect(grantCovers(g, call('daemon.open_app', null))).toBe(false);
    expect(grantCovers(g, call('daemon.open_app', Object.create({ app: 'Notes' }) as unknown))).toBe(false);
  });

  it('same_arguments pins every argument, nested ones by canonical JSON', () => {
    const input = { method: 'POST', url: 'https://hooks.example.com/x', headers: { b: '2', a: '1' }, body: '{}' };
    const scope = scopeFromCall('http_request', input, 'same_arguments');
    expect(scope.match).toEqual({ method: { equals: 'POST' }, url: { equals: 'https://hooks.example.com/x' }, headers: { json: '{"a":"1","b":"2"}' }, body: { equals: '{}' } });
    const g = grant(scope);
    expect(grantCovers(g, call('http_request', { ...input, headers: { a: '1', b: '2' } }))).toBe(true);
    expect(grantCovers(g, call('http_request', { ...input, headers: { a: '1', b: '3' } }))).toBe(false);
    expect(grantCovers(g, call('http_request', { ...input, body: '{"x":1}' }))).toBe(false);
  });
});

describe('malformed stored grants', () => {
  it('cover nothing', () => {
    const bad = [
      { tool: 'echo', match: { text: { regex: '.*' } } },
      { tool: 'echo', match: { text: { prefix: '' } } },
      { tool: 'echo', match: { text: { equals: 'a', prefix: 'a' } } },
      { tool: '', match: {} },
      { tool: 'echo', match: { url: { host: 'https://example.com/' } } },
    ];
    for (const scope of bad) expect(grantCovers(grant(scope as unknown as GrantScope), call('echo', { text: 'a', url: 'https://example.com/' })), JSON.stringify(scope)).toBe(false);
  });
});

describe('findGrant', () => {
  it('returns the first grant that covers the call, or null', () => {
    const get = { method: 'GET', url: 'https://a.example/' };
    const other = grant({ tool: 'http_request', match: { url: { host: 'b.example' } } }, { id: 'other' });
    const expired = grant({ tool: 'http_request', match: { url: { host: 'a.example' } } }, { id: 'expired', expires_at: NOW });
    const live = grant({ tool: 'http_request', match: { url: { host: 'a.example' } } }, { id: 'live' });
    expect(findGrant([other, expired, live], call('http_request', get))?.id).toBe('live');
    expect(findGrant([other, expired], call('http_request', get))).toBeNull();
    expect(findGrant([], call('http_request', get))).toBeNull();
  });
});

describe('validateGrantRequest', () => {
  const scope: GrantScope = { tool: 'http_request', match: { url: { host: 'example.com' } } };

  it('accepts a sound request', () => {
    expect(validateGrantRequest(scope, 'high', 1)).toEqual({ ok: true });
    expect(validateGrantRequest(scope, 'none', 1440)).toEqual({ ok: true });
  });

  it('never grants critical, or unknown, risk', () => {
    expect(validateGrantRequest(scope, 'critical', 10)).toEqual({ ok: false, reason: 'grants never cover critical-risk actions' });
    expect(validateGrantRequest(scope, 'bogus' as Risk, 10).ok).toBe(false);
  });

  it.each([[0], [1441], [1.5], [-5], [Number.NaN], [Infinity]])('refuses %d minutes', (minutes) => {
    expect(validateGrantRequest(scope, 'low', minutes)).toEqual({ ok: false, reason: expect.stringMatching(/1 to 1440/) as unknown });
  });

  it('refuses a scope that pins nothing, unless the tool takes no arguments', () => {
    expect(validateGrantRequest({ tool: 'http_request', match: {} }, 'low', 10).ok).toBe(false);
    expect(validateGrantRequest({ tool: 'daemon.screenshot', match: {} }, 'medium', 10, { toolTakesArguments: false })).toEqual({ ok: true });
  });

  it('refuses scopes the schema refuses, naming the field', () => {
    const result = validateGrantRequest({ tool: 'echo', match: { text: { prefix: '' } } }, 'low', 10);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/match\.text/) as unknown });
  });
});

describe('GrantScopeSchema', () => {
  it('parses every matcher kind', () => {
    const scope = {
      tool: 'x',
      match: { a: { equals: 1 }, b: { prefix: '/p' }, c: { host: '[::1]:8080' }, d: { oneOf: ['x', 2] }, e: { json: '[1,{"b":2,"a":1}]' } },
      entity: 'light.kitchen',
    };
    expect(GrantScopeSchema.parse(scope)).toEqual(scope);
  });

  it('refuses unknown fields, hosts with paths, and __proto__ keys', () => {
    expect(GrantScopeSchema.safeParse({ tool: 'x', match: {}, extra: 1 }).success).toBe(false);
    expect(GrantScopeSchema.safeParse({ tool: 'x', match: { u: { host: 'example.com/path' } } }).success).toBe(false);
    expect(GrantScopeSchema.safeParse({ tool: 'x', match: { u: { host: '*.example.com' } } }).success).toBe(false);
    expect(GrantScopeSchema.safeParse(JSON.parse('{"tool":"x","match":{"__proto__":{"equals":1}}}')).success).toBe(false);
    expect(GrantScopeSchema.safeParse({ tool: 'x', match: {}, entity: undefined }).success).toBe(false);
  });
});

describe('describeScope', () => {
  it('quotes values that could pass for other words', () => {
    expect(describeScope({ tool: 'echo', match: { text: { equals: 'hello and url = x' } } })).toBe('echo with text = "hello and url = x"');
    expect(describeScope({ tool: 'echo', match: {} })).toBe('echo with any arguments');
    expect(describeScope({ tool: 'f', match: { p: { prefix: '/tmp/' }, n: { oneOf: ['a', 1] }, j: { json: '{"a":1}' } } })).toBe('f with p starting with /tmp/ and n one of a, 1 and j = {"a":1}');
  });
});
