// Which IP addresses outbound requests may not reach (loopback, private, link-local, metadata…), and the host allow-list that overrides it.
import { BlockList, isIP } from 'node:net';

export type AddressVerdict = { blocked: true; range: string } | { blocked: false };

interface Range {
  /** CIDR plus a short name, shown to the person when a request is refused. */
  label: string;
  list: BlockList;
}

function range(network: string, prefix: number, family: 'ipv4' | 'ipv6', name: string): Range {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { label: `${network}/${prefix} (${name})`, list };
}

// Ordered so the most specific name wins where ranges nest (169.254.169.254 inside 169.254/16).
const V4_RANGES: readonly Range[] = Object.freeze([
  range('169.254.169.254', 32, 'ipv4', 'cloud metadata'),
  range('0.0.0.0', 8, 'ipv4', '"this" network'),
  range('10.0.0.0', 8, 'ipv4', 'private'),
  range('100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'),
  range('127.0.0.0', 8, 'ipv4', 'loopback'),
  range('169.254.0.0', 16, 'ipv4', 'link-local'),
  range('172.16.0.0', 12, 'ipv4', 'private'),
  range('192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'),
  range('192.0.2.0', 24, 'ipv4', 'documentation'),
  range('192.168.0.0', 16, 'ipv4', 'private'),
  range('198.18.0.0', 15, 'ipv4', 'benchmarking'),
  range('198.51.100.0', 24, 'ipv4', 'documentation'),
  range('203.0.113.0', 24, 'ipv4', 'documentation'),
  range('224.0.0.0', 4, 'ipv4', 'multicast'),
  range('255.255.255.255', 32, 'ipv4', 'broadcast'),
  range('240.0.0.0', 4, 'ipv4', 'reserved'),
]);

const V6_RANGES: readonly Range[] = Object.freeze([
  range('::', 128, 'ipv6', 'unspecified'),
  range('::1', 128, 'ipv6', 'loopback'),
  // The deprecated IPv4-compatible form (::a.b.c.d) has no legitimate use, so it is refused whole.
  range('::', 96, 'ipv6', 'IPv4-compatible, deprecated'),
  range('64:ff9b:1::', 48, 'ipv6', 'local-use NAT64'),
  range('2001:db8::', 32, 'ipv6', 'documentation'),
  // Includes fd00:ec2::254, the AWS metadata service over IPv6.
  range('fc00::', 7, 'ipv6', 'unique local'),
  range('fe80::', 10, 'ipv6', 'link-local'),
  range('fec0::', 10, 'ipv6', 'site-local, deprecated'),
  range('ff00::', 8, 'ipv6', 'multicast'),
]);

/** IPv6 prefixes that carry an IPv4 address; the embedded address decides. */
interface Embedding {
  label: string;
  matches: (b: Uint8Array) => boolean;
  v4: (b: Uint8Array) => string;
}

const zeros = (b: Uint8Array, from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);
const dotted = (b: Uint8Array, at: number): string => Array.from(b.subarray(at, at + 4)).join('.');

const EMBEDDINGS: readonly Embedding[] = Object.freeze([
  { label: '::ffff:0:0/96 (IPv4-mapped)', matches: (b) => zeros(b, 0, 10) && b[10] === 0xff && b[11] === 0xff, v4: (b) => dotted(b, 12) },
  {
    label: '::ffff:0:0:0/96 (IPv4-translated)',
    matches: (b) => zeros(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(b, 10, 12),
    v4: (b) => dotted(b, 12),
  },
  {
    label: '64:ff9b::/96 (NAT64)',
    matches: (b) => b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(b, 4, 12),
    v4: (b) => dotted(b, 12),
  },
  { label: '2002::/16 (6to4)', matches: (b) => b[0] === 0x20 && b[1] === 0x02, v4: (b) => dotted(b, 2) },
]);

/** Parses a valid IPv6 text form (as accepted by net.isIP, zone removed) into its 16 bytes. */
function ipv6Bytes(ip: string): Uint8Array {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const o = tail.split('.').map(Number);
    const hex = (hi = 0, lo = 0): string => ((hi << 8) | lo).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hex(o[0], o[1])}:${hex(o[2], o[3])}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[i * 2] = v >> 8;
    bytes[i * 2 + 1] = v & 0xff;
  });
  return bytes;
}

/** The address without an IPv6 zone (`fe80::1%eth0`), which says which interface, not where. */
function withoutZone(ip: string): string {
  const at = ip.indexOf('%');
  return at === -1 ? ip : ip.slice(0, at);
}

/**
 * Whether an outbound request must not connect to `ip`. Anything that is not an IP address is
 * blocked: a caller that passes a host name here has a bug, and failing closed keeps it safe.
 */
export function isBlockedAddress(ip: string): AddressVerdict {
  const address = withoutZone(ip.trim());
  const family = isIP(address);
  if (family === 4) {
    const hit = V4_RANGES.find((r) => r.list.check(address, 'ipv4'));
    return hit ? { blocked: true, range: hit.label } : { blocked: false };
  }
  if (family !== 6) return { blocked: true, range: 'not an IP address' };

  const bytes = ipv6Bytes(address);
  const embedding = EMBEDDINGS.find((e) => e.matches(bytes));
  if (embedding) {
    const inner = isBlockedAddress(embedding.v4(bytes));
    return inner.blocked ? { blocked: true, range: `${inner.range} inside ${embedding.label}` } : inner;
  }
  const hit = V6_RANGES.find((r) => r.list.check(address, 'ipv6'));
  return hit ? { blocked: true, range: hit.label } : { blocked: false };
}

/**
 * Lower-case, no trailing dot; IPv6 fully expanded in brackets so `[::1]` and `[0::1]` compare
 * equal (brackets keep it from ever equalling a host name).
 */
function canonicalHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (isIP(h) !== 6) return h;
  const b = ipv6Bytes(withoutZone(h));
  const groups = Array.from({ length: 8 }, (_, i) => (((b[i * 2] ?? 0) << 8) | (b[i * 2 + 1] ?? 0)).toString(16));
  return `[${groups.join(':')}]`;
}

interface AllowEntry {
  host: string;
  /** true for `*.example.com`: any subdomain, not example.com itself. */
  subdomains: boolean;
  port: number | null;
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : null;
}

/** Reads one allow-list entry; returns null for anything malformed so it matches nothing. */
function parseEntry(raw: string): AllowEntry | null {
  const text = raw.trim().toLowerCase();
  if (text === '') return null;
  let host = text;
  let port: number | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return null;
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':') || (port = parsePort(after.slice(1))) === null) return null;
    }
    if (isIP(host) !== 6) return null;
  } else if (isIP(text) === 6) {
    host = text; // a bare IPv6 address: its colons are not a port separator
  } else {
    const colon = text.lastIndexOf(':');
    if (colon !== -1) {
      host = text.slice(0, colon);
      if ((port = parsePort(text.slice(colon + 1))) === null) return null;
    }
  }
  const subdomains = host.startsWith('*.');
  if (subdomains) host = host.slice(2);
  if (host === '' || host.includes('*') || host.includes('/') || host.includes('@')) return null;
  return { host: canonicalHost(host), subdomains, port };
}

/**
 * Whether `host:port` (the URL's own host, before any DNS) is on the allow-list.
 * Entries: `host` (any port), `host:port`, `[v6]`, `[v6]:port`, and `*.example.com` for every
 * subdomain of example.com (but not example.com itself; list both if both are meant).
 * Matching is exact and case-insensitive; a wildcard never applies to IP addresses.
 */
export function allowlistMatches(allowlist: readonly string[], host: string, port: number): boolean {
  const wanted = canonicalHost(host);
  const isAddress = wanted.startsWith('[') || isIP(wanted) === 4;
  return allowlist.some((raw) => {
    const entry = parseEntry(raw);
    if (!entry || (entry.port !== null && entry.port !== port)) return false;
    if (entry.subdomains) return !isAddress && wanted.endsWith(`.${entry.host}`);
    return wanted === entry.host;
  });
}
