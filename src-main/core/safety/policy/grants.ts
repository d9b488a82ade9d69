// Grants: a person's standing permission for one tool with argument constraints, capped in risk and time.
import { z } from 'zod';
import { parseRisk, riskRank, type Risk } from './gate-table';
import { entityIdsIn, isPlainRecord, ownArg, parseHostPattern, urlTarget } from './inspect';

export type GrantMatcher =
  | { equals: string | number | boolean }
  /** The argument is text starting with this, and walks up no folder with "..". */
  | { prefix: string }
  /** The argument is a URL to this host (case-insensitive); with a port, to that port; without, to the scheme's default port. */
  | { host: string }
  | { oneOf: (string | number)[] }
  /** The argument's canonical JSON (sorted keys) equals this: pins objects, arrays and null exactly. */
  | { json: string };

export interface GrantScope {
  tool: string;
  /** Argument constraints: each key must be present in the call and match. */
  match: Record<string, GrantMatcher>;
  /** Every entity id the call names, at any depth, must be this one, and it must name at least one. */
  entity?: string;
}

export interface Grant {
  id: string;
  scope: GrantScope;
  /** The highest risk it may cover; never critical. */
  risk_ceiling: Risk;
  expires_at: number;
  revoked: boolean;
}

export type ScopeKind = 'same_arguments' | 'same_host' | 'same_entity';

export const GRANT_MINUTES = Object.freeze({ min: 1, max: 1440 });

const TEXT_MAX = 4096;
const ArgName = z.string().min(1).max(128);

const GrantMatcherSchema: z.ZodType<GrantMatcher> = z.union([
  z.strictObject({ equals: z.union([z.string().max(TEXT_MAX), z.number(), z.boolean()]) }),
  z.strictObject({ prefix: z.string().min(1, 'an empty prefix would match everything').max(TEXT_MAX) }),
  z.strictObject({ host: z.string().refine((h) => parseHostPattern(h, false) !== null, 'is not a host name or host:port') }),
  z.strictObject({ oneOf: z.array(z.union([z.string().max(TEXT_MAX), z.number()])).min(1).max(100) }),
  z.strictObject({ json: z.string().max(65_536).refine((j) => canonicalFromText(j) !== null, 'is not JSON') }),
]);

export const GrantScopeSchema: z.ZodType<GrantScope> = z.strictObject({
  tool: z.string().min(1).max(200),
  // The raw object is checked first: the record parser quietly drops a `__proto__` key, which would
  // otherwise leave a scope that pins nothing.
  match: z
    .unknown()
    .refine((m) => !isPlainRecord(m) || !Object.hasOwn(m, '__proto__'), '__proto__ is not an argument name')
    .pipe(z.record(ArgName, GrantMatcherSchema).refine((m) => Object.keys(m).length <= 50, 'pins more than 50 arguments')),
  entity: z.string().trim().min(1).max(255).exactOptional(),
});

export interface GrantCall {
  tool: string;
  input: unknown;
  risk: Risk;
  now: number;
}

/**
 * Whether a grant lets this call run without asking. Every doubt answers no: an expired, revoked or
 * malformed grant, a critical or unknown risk, a risk above the ceiling, another tool, a missing
 * argument, or any constraint that does not hold.
 */
export function grantCovers(g: Grant, call: GrantCall): boolean {
  if (g.revoked !== false) return false;
  if (!Number.isFinite(call.now) || !Number.isFinite(g.expires_at) || call.now >= g.expires_at) return false;
  const risk = parseRisk(call.risk);
  const ceiling = parseRisk(g.risk_ceiling);
  if (risk === null || ceiling === null || risk === 'critical' || ceiling === 'critical') return false;
  if (riskRank(risk) > riskRank(ceiling)) return false;
  // Stored scopes come back from JSON; one that would not be accepted today covers nothing.
  const parsed = GrantScopeSchema.safeParse(g.scope);
  if (!parsed.success) return false;
  const scope = parsed.data;
  if (scope.tool !== call.tool) return false;
  if (scope.entity !== undefined && !onlyEntity(call.input, scope.entity)) return false;
  for (const [key, matcher] of Object.entries(scope.match)) {
    if (!isPlainRecord(call.input) || !Object.hasOwn(call.input, key)) return false;
    const value = call.input[key];
    if (value === undefined || !matches(matcher, value)) return false;
  }
  return true;
}

/** The first grant, in the order given, that covers the call. */
export function findGrant(grants: readonly Grant[], call: GrantCall): Grant | null {
  return grants.find((g) => grantCovers(g, call)) ?? null;
}

/**
 * Proposes a scope from the call a person is approving. It never throws: when the kind does not fit
 * the call (same_host without a URL, same_entity without exactly one entity), the scope pins nothing
 * and validateGrantRequest refuses it with a reason.
 */
export function scopeFromCall(tool: string, input: unknown, kind: ScopeKind): GrantScope {
  const match: Record<string, GrantMatcher> = {};
  switch (kind) {
    case 'same_arguments': {
      if (!isPlainRecord(input)) break;
      for (const key of Object.keys(input)) {
        const value = input[key];
        if (value === undefined) continue;
        // An argument no scope can name cannot be pinned, so the scope pins nothing and is refused.
        if (key === '__proto__') return { tool, match: {} };
        if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) match[key] = { equals: value };
        else {
          const json = canonicalJson(value);
          if (json === null) return { tool, match: {} };
          match[key] = { json };
        }
      }
      return { tool, match };
    }
    case 'same_host': {
      const url = ownArg(input, 'url');
      const target = typeof url === 'string' ? urlTarget(url) : null;
      if (target === null || target.hostname === '') return { tool, match: {} };
      // http_request's schema fills in GET, so the repeat arrives with the method spelled out.
      const method = ownArg(input, 'method') ?? (tool === 'http_request' ? 'GET' : undefined);
      if (typeof method === 'string') match.method = { equals: method };
      else if (method !== undefined) return { tool, match: {} };
      match.url = { host: target.host };
      return { tool, match };
    }
    case 'same_entity': {
      const scan = entityIdsIn(input);
      const only = scan.ok && scan.ids.length === 1 ? scan.ids[0] : undefined;
      if (only === undefined) return { tool, match: {} };
      const top = ownArg(input, 'entity_id');
      if (typeof top === 'string') match.entity_id = { equals: top };
      return { tool, match, entity: only };
    }
    default: {
      const never: never = kind;
      throw new RangeError(`unknown grant scope kind ${String(never)}`);
    }
  }
  return { tool, match };
}

export interface GrantRequestOptions {
  /** false only for tools that take no arguments, where a grant for the tool as a whole is exact. */
  toolTakesArguments?: boolean;
}

export function validateGrantRequest(scope: GrantScope, risk: Risk, minutes: number, options: GrantRequestOptions = {}): { ok: true } | { ok: false; reason: string } {
  const known = parseRisk(risk);
  if (known === null) return { ok: false, reason: 'the risk of the action is unknown, so it is treated as critical and grants never cover critical-risk actions' };
  if (known === 'critical') return { ok: false, reason: 'grants never cover critical-risk actions' };
  if (!Number.isInteger(minutes) || minutes < GRANT_MINUTES.min || minutes > GRANT_MINUTES.max) {
    return { ok: false, reason: `a grant lasts ${GRANT_MINUTES.min} to ${GRANT_MINUTES.max} whole minutes (24 hours)` };
  }
  const parsed = GrantScopeSchema.safeParse(scope);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `the scope is not valid: ${issue ? `${issue.path.join('.') || 'scope'} ${issue.message}` : 'unreadable'}` };
  }
  if (Object.keys(parsed.data.match).length === 0 && parsed.data.entity === undefined && options.toolTakesArguments !== false) {
    return { ok: false, reason: `a grant for ${scope.tool} must pin at least one of its arguments, or it would cover every call` };
  }
  return { ok: true };
}

/** "http_request with method = GET and url host = example.com" */
export function describeScope(scope: GrantScope): string {
  const parts = Object.entries(scope.match).map(([key, m]) => describeMatcher(key, m));
  if (scope.entity !== undefined) parts.push(`only entity ${shown(scope.entity)}`);
  return parts.length === 0 ? `${scope.tool} with any arguments` : `${scope.tool} with ${parts.join(' and ')}`;
}

function describeMatcher(key: string, m: GrantMatcher): string {
  if ('equals' in m) return `${key} = ${shown(m.equals)}`;
  if ('prefix' in m) return `${key} starting with ${shown(m.prefix)}`;
  if ('host' in m) return `${key} host = ${shown(m.host)}`;
  if ('oneOf' in m) return `${key} one of ${m.oneOf.map(shown).join(', ')}`;
  if ('json' in m) return `${key} = ${m.json}`;
  return `${key} (unreadable constraint)`;
}

// Plain words stay bare; anything with spaces, quotes or control characters is quoted so it cannot pass for other text.
function shown(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[\x21-\x7e]+$/.test(value) && !value.includes('"') ? value : JSON.stringify(value);
}

function matches(m: GrantMatcher, value: unknown): boolean {
  if ('equals' in m) return value === m.equals;
  if ('prefix' in m) return typeof value === 'string' && value.startsWith(m.prefix) && !climbsUp(value);
  if ('host' in m) return typeof value === 'string' && hostMatches(m.host, value);
  if ('oneOf' in m) return (typeof value === 'string' || typeof value === 'number') && m.oneOf.includes(value);
  if ('json' in m) {
    const want = canonicalFromText(m.json);
    return want !== null && canonicalJson(value) === want;
  }
  return false;
}

// A prefix stands for a folder or a URL path; "prefix/../elsewhere" must not pass for being inside it.
function climbsUp(value: string): boolean {
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // Malformed escapes: judge the text as written and the variant with %2e read as a dot.
    decoded = value.replace(/%2e/gi, '.');
  }
  return [value, decoded].some((text) => text.split(/[\\/]/).some((seg) => seg === '..'));
}

function hostMatches(pattern: string, url: string): boolean {
  const want = parseHostPattern(pattern, false);
  const target = urlTarget(url);
  if (want === null || target === null || target.hostname !== want.hostname) return false;
  // Another port is another service: without a port the grant covers only the scheme's default one.
  return want.port === null ? !target.explicitPort : target.port === want.port;
}

function onlyEntity(input: unknown, entity: string): boolean {
  const scan = entityIdsIn(input);
  const want = entity.trim().toLowerCase();
  return scan.ok && scan.ids.length > 0 && scan.ids.every((id) => id === want);
}

/** JSON with object keys sorted at every level; null for values JSON cannot hold faithfully or that nest too deep. */
export function canonicalJson(value: unknown, depth = 0): string | null {
  if (depth > 64) return null;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : null;
  if (Array.isArray(value)) {
    const items = value.map((item) => canonicalJson(item, depth + 1));
    return items.includes(null) ? null : `[${items.join(',')}]`;
  }
  if (isPlainRecord(value)) {
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      if (value[key] === undefined) continue;
      const inner = canonicalJson(value[key], depth + 1);
      if (inner === null) return null;
      parts.push(`${JSON.stringify(key)}:${inner}`);
    }
    return `{${parts.join(',')}}`;
  }
  return null;
}

function canonicalFromText(text: string): string | null {
  try {
    return canonicalJson(JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}
