// Reading a tool call's arguments: a bounded walk over every value, and the entity ids and URL hosts found in them.

/** Deeper or larger inputs are not read to the end; callers treat an unfinished walk as the worst case. */
export const WALK_LIMITS = Object.freeze({ depth: 32, nodes: 10_000 });

/**
 * Visits every string, number, boolean and null in `input` with the name of the nearest property
 * above it (array items inherit their array's name; top-level scalars have none). Returns false if
 * the input was too deep or too large to finish, or refers to itself.
 */
export function walkValues(input: unknown, visit: (key: string | null, value: unknown) => void): boolean {
  let nodes = 0;
  const onPath = new Set<object>();
  const step = (key: string | null, value: unknown, depth: number): boolean => {
    nodes += 1;
    if (nodes > WALK_LIMITS.nodes || depth > WALK_LIMITS.depth) return false;
    if (value === null || typeof value !== 'object') {
      visit(key, value);
      return true;
    }
    if (onPath.has(value)) return false;
    onPath.add(value);
    try {
      if (Array.isArray(value)) return value.every((item) => step(key, item, depth + 1));
      return Object.keys(value).every((k) => step(k, (value as Record<string, unknown>)[k], depth + 1));
    } finally {
      onPath.delete(value);
    }
  };
  return step(null, input, 0);
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The input's own property, never one inherited from Object.prototype. */
export function ownArg(input: unknown, key: string): unknown {
  return isPlainRecord(input) && Object.hasOwn(input, key) ? input[key] : undefined;
}

export type EntityScan =
  | { ok: true; ids: string[] }
  /** An entity_id that is not text, or an input too large to read through. */
  | { ok: false; reason: string };

/**
 * Every entity id named under an `entity_id` key at any depth (Home Assistant puts them at the top, in
 * `target` or in `data`). A string may list several separated by commas, as Home Assistant accepts.
 * Ids come back trimmed, lower-cased (Home Assistant's own spelling) and without repeats.
 */
export function entityIdsIn(input: unknown): EntityScan {
  const ids = new Set<string>();
  let bad: string | null = null;
  const finished = walkValues(input, (key, value) => {
    if (key !== 'entity_id') return;
    if (typeof value !== 'string') {
      bad ??= `an entity_id that is not text (${value === null ? 'null' : typeof value})`;
      return;
    }
    const parts = value.split(',').map((part) => part.trim().toLowerCase());
    // A blank id is kept as "": it names no single entity, and callers treat that as the worst case.
    for (const id of parts.some((p) => p !== '') ? parts.filter((p) => p !== '') : ['']) ids.add(id);
  });
  if (!finished) return { ok: false, reason: 'the input is too large or too deep to check for entity ids' };
  if (bad !== null) return { ok: false, reason: bad };
  return { ok: true, ids: [...ids] };
}

export interface UrlTarget {
  /** Lower-case host name without a trailing dot; IPv6 addresses keep their brackets. */
  hostname: string;
  /** The port the request goes to, explicit or the scheme's default; null for schemes without one. */
  port: number | null;
  /** Whether the URL names a port of its own (a default one written out counts as not). */
  explicitPort: boolean;
  /** `URL.host` lower-cased: host name plus a non-default port, the form known hosts are stored in. */
  host: string;
  protocol: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = Object.freeze({ 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443, 'ftp:': 21 });

/** Where a URL points, by the WHATWG parser the HTTP client itself uses; null if it does not parse. */
export function urlTarget(url: string): UrlTarget | null {
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  const hostname = u.hostname.toLowerCase().replace(/\.$/, '');
  const explicitPort = u.port !== '';
  const port = explicitPort ? Number(u.port) : (DEFAULT_PORTS[u.protocol] ?? null);
  return { hostname, port, explicitPort, host: u.host.toLowerCase(), protocol: u.protocol };
}

export interface HostPattern {
  hostname: string;
  /** null: any port. */
  port: number | null;
  /** "*.example.com": names below example.com. */
  wildcard: boolean;
}

/** Reads "example.com", "*.example.com", "example.com:8443" or "[::1]:8080"; null for anything else. */
export function parseHostPattern(entry: string, allowWildcard: boolean): HostPattern | null {
  const m = /^(\*\.)?(\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]\\*]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  if (!m) return null;
  const wildcard = m[1] !== undefined;
  if (wildcard && !allowWildcard) return null;
  const rawHost = m[2] ?? '';
  if (!URL.canParse(`http://${rawHost}/`)) return null;
  // The URL parser spells names the way the request will (lower case, punycode, dotted IPv4).
  const hostname = new URL(`http://${rawHost}/`).hostname.toLowerCase().replace(/\.$/, '');
  if (hostname === '' || (wildcard && (hostname.startsWith('[') || /^[\d.]+$/.test(hostname)))) return null;
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && (port < 1 || port > 65_535)) return null;
  return { hostname, port, wildcard };
}

/** Whether a pattern names this host: the name itself, or (for "*.") a name below it and, if asked, the name too. */
export function hostPatternMatches(pattern: HostPattern, target: UrlTarget, wildcardTakesApex: boolean): boolean {
  if (pattern.port !== null && pattern.port !== target.port) return false;
  if (!pattern.wildcard) return target.hostname === pattern.hostname;
  return target.hostname.endsWith(`.${pattern.hostname}`) || (wildcardTakesApex && target.hostname === pattern.hostname);
}
