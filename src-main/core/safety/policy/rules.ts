// Policy rules a person sets (tool, host and path lists) and per-tool rate limits over a sliding minute.
import { z } from 'zod';
import { hostPatternMatches, parseHostPattern, urlTarget, walkValues, type UrlTarget } from './inspect';
import { flavourOf, isPathUnder, looksAbsolute, normalizePath, type PathFlavour } from './paths';

const ToolEntry = z.string().trim().min(1).max(200);
const HostEntry = z.string().refine((h) => parseHostPattern(h, true) !== null, 'is not a host name, host:port or *.domain');
const PathEntry = z.string().refine((p) => /^(\/|~$|~\/|[A-Za-z]:[\\/])/.test(p), 'is not an absolute path or ~/…');

export const PolicyRulesSchema = z.strictObject({
  /** If non-empty, only these tools run. Entries are names, "prefix.*" or "*". */
  allow_tools: z.array(ToolEntry).default([]),
  deny_tools: z.array(ToolEntry).default([]),
  /** If non-empty, every URL argument must reach one of these. "example.com", "example.com:8443" or "*.example.com" (names below it). */
  allow_hosts: z.array(HostEntry).default([]),
  /** "*.example.com" here also blocks example.com itself. */
  deny_hosts: z.array(HostEntry).default([]),
  /** Absolute prefixes ("~/" allowed); any path argument under one is blocked. */
  deny_paths: z.array(PathEntry).default([]),
  /** If non-empty, every path argument must be under one. */
  allow_paths: z.array(PathEntry).default([]),
  /** Tool → calls per minute. */
  rate_limits: z.record(z.string(), z.number().int().min(1).max(10_000)).default({}),
});
export type PolicyRules = z.infer<typeof PolicyRulesSchema>;

export type RuleVerdict = { blocked: false } | { blocked: true; rule: string; message: string };

const PASS: RuleVerdict = Object.freeze({ blocked: false });

export interface RuleCall {
  tool: string;
  input: unknown;
  homeDir: string;
}

// Arguments whose values are paths even when written relative.
const PATH_KEYS: ReadonlySet<string> = new Set(['from', 'to', 'path', 'file', 'dir']);
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function checkRules(rules: PolicyRules, call: RuleCall): RuleVerdict {
  const byTool = checkTools(rules, call.tool);
  if (byTool) return byTool;
  const hostRules = rules.allow_hosts.length > 0 || rules.deny_hosts.length > 0;
  const pathRules = rules.allow_paths.length > 0 || rules.deny_paths.length > 0;
  if (!hostRules && !pathRules) return PASS;
  const found = findTargets(call.input, flavourOf(call.homeDir));
  if (!found.complete) {
    const list = hostRules ? (rules.deny_hosts.length > 0 ? 'deny_hosts' : 'allow_hosts') : rules.deny_paths.length > 0 ? 'deny_paths' : 'allow_paths';
    return block(`${list}: input too large to check`, `${call.tool}'s arguments are too large or too deep to check against the ${hostRules ? 'host' : 'path'} rules`);
  }
  return (hostRules ? checkHosts(rules, call, found) : null) ?? (pathRules ? checkPaths(rules, call, found) : null) ?? PASS;
}

const block = (rule: string, message: string): RuleVerdict => ({ blocked: true, rule, message });

function toolListed(entry: string, tool: string): boolean {
  const e = entry.trim();
  if (e === '*') return true;
  return e.endsWith('.*') ? tool.startsWith(e.slice(0, -1)) : e === tool;
}

function checkTools(rules: PolicyRules, tool: string): RuleVerdict | null {
  const denied = rules.deny_tools.find((e) => toolListed(e, tool));
  if (denied !== undefined) return block(`deny_tools: ${denied}`, `${tool} is on the list of tools that may not run`);
  if (rules.allow_tools.length > 0 && !rules.allow_tools.some((e) => toolListed(e, tool))) {
    return block(`allow_tools: ${tool} is not listed`, `${tool} is not on the list of tools allowed to run`);
  }
  return null;
}

interface Found {
  urls: string[];
  paths: { value: string; named: boolean }[];
  complete: boolean;
}

function findTargets(input: unknown, flavour: PathFlavour): Found {
  const urls: string[] = [];
  const paths: Found['paths'] = [];
  const complete = walkValues(input, (key, value) => {
    if (typeof value !== 'string') return;
    const named = key !== null && PATH_KEYS.has(key);
    if (key === 'url' || SCHEME.test(value)) {
      urls.push(value);
      // file: URLs name paths on this machine.
      const file = filePath(value);
      if (file !== undefined) paths.push({ value: file ?? value, named: true });
      return;
    }
    if (named || looksAbsolute(value, flavour)) paths.push({ value, named });
  });
  return { urls, paths, complete };
}

/** undefined: not a file URL; null: a file URL that does not name a local path. */
function filePath(url: string): string | null | undefined {
  if (!/^file:/i.test(url)) return undefined;
  if (!URL.canParse(url)) return null;
  const u = new URL(url);
  if (u.hostname !== '' && u.hostname !== 'localhost') return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

function checkHosts(rules: PolicyRules, call: RuleCall, found: Found): RuleVerdict | null {
  const list = rules.deny_hosts.length > 0 ? 'deny_hosts' : 'allow_hosts';
  const deny = rules.deny_hosts.map((e) => ({ entry: e, pattern: parseHostPattern(e, true) }));
  const allow = rules.allow_hosts.map((e) => parseHostPattern(e, true));
  for (const url of found.urls) {
    const target: UrlTarget | null = urlTarget(url);
    if (target === null) return block(`${list}: unreadable url`, `${call.tool} has a URL that could not be read, so the host rules cannot check it`);
    const hit = deny.find((d) => d.pattern !== null && hostPatternMatches(d.pattern, target, true));
    if (hit) return block(`deny_hosts: ${hit.entry}`, `${call.tool} may not reach ${target.host || url} (deny_hosts: ${hit.entry})`);
    if (allow.length > 0 && !allow.some((p) => p !== null && target.hostname !== '' && hostPatternMatches(p, target, false))) {
      const host = target.host || target.protocol;
      return block(`allow_hosts: ${host} is not listed`, `${call.tool} may only reach listed hosts, and ${host} is not one of them`);
    }
  }
  return null;
}

function checkPaths(rules: PolicyRules, call: RuleCall, found: Found): RuleVerdict | null {
  if (found.paths.length === 0) return null;
  const list = rules.deny_paths.length > 0 ? 'deny_paths' : 'allow_paths';
  const flavour = flavourOf(call.homeDir);
  const deny = rules.deny_paths.map((e) => ({ entry: e, dir: normalizePath(e, call.homeDir) }));
  const unresolved = deny.find((d) => d.dir === null);
  // A deny rule that cannot be read here must not silently stop protecting its folder.
  if (unresolved) return block(`deny_paths: ${unresolved.entry} cannot be resolved`, `the path rule ${unresolved.entry} cannot be resolved against the home folder, so calls with paths are held back`);
  const allow = rules.allow_paths.map((e) => normalizePath(e, call.homeDir)).filter((d): d is string => d !== null);
  for (const { value, named } of found.paths) {
    const path = normalizePath(value, call.homeDir);
    if (path === null) {
      // A bare name ("notes.txt", "bob@example.com") points into no folder the rules could name.
      if (named && isBareName(value, flavour)) continue;
      return block(`${list}: ${shortText(value)} cannot be resolved`, `${shortText(value)} is not an absolute path, so the path rules cannot check it`);
    }
    const hit = deny.find((d) => d.dir !== null && isPathUnder(path, d.dir, true));
    if (hit) return block(`deny_paths: ${hit.entry}`, `${call.tool} may not touch ${path} (deny_paths: ${hit.entry})`);
    if (rules.allow_paths.length > 0 && !allow.some((dir) => isPathUnder(path, dir, false))) {
      return block(`allow_paths: ${path} is outside every allowed folder`, `${call.tool} may only touch paths under ${rules.allow_paths.join(', ')}`);
    }
  }
  return null;
}

function isBareName(value: string, flavour: PathFlavour): boolean {
  if (value.startsWith('.') || value.startsWith('~') || value.includes('/') || value.includes('\0')) return false;
  return flavour === 'posix' || !/[\\:]/.test(value);
}

function shortText(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

const WINDOW_MS = 60_000;

/**
 * Calls per tool over a sliding 60 s window. `check` only looks; the gate calls `record` once a call
 * is let through, so refused calls do not use up the allowance.
 */
export class RateLimiter {
  private readonly limits = new Map<string, number>();
  /** Per tool, the newest calls (at most its limit of them: older ones cannot change a verdict). */
  private readonly calls = new Map<string, number[]>();

  constructor(limits: Record<string, number>) {
    for (const [tool, limit] of Object.entries(limits)) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`rate limit for ${tool} must be a whole number of calls per minute, at least 1 (got ${String(limit)})`);
      this.limits.set(tool, limit);
    }
  }

  check(tool: string, now: number): RuleVerdict {
    const limit = this.limits.get(tool);
    if (limit === undefined) return PASS;
    const rule = `rate_limits: ${tool} ${limit}/min`;
    if (!Number.isFinite(now)) return block(rule, `${tool} is rate limited and the clock could not be read`);
    const inWindow = this.prune(tool, now);
    if (inWindow < limit) return PASS;
    return block(rule, `${tool} may run at most ${limit} times a minute, and it already has`);
  }

  record(tool: string, now: number): void {
    const limit = this.limits.get(tool);
    if (limit === undefined || !Number.isFinite(now)) return;
    const list = this.calls.get(tool) ?? [];
    list.push(now);
    if (list.length > limit) list.splice(0, list.length - limit);
    this.calls.set(tool, list);
  }

  /** Drops calls that left the window and counts the rest. A clock that stepped back keeps later calls counted. */
  private prune(tool: string, now: number): number {
    const list = this.calls.get(tool);
    if (!list) return 0;
    const kept = list.filter((t) => now - t < WINDOW_MS);
    if (kept.length === 0) this.calls.delete(tool);
    else this.calls.set(tool, kept);
    return kept.length;
  }
}
