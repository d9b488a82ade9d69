// Risk classification: a tool's declared risk, raised (never lowered) by what its arguments would actually do.
import { parseRisk, riskRank, RISKS, type Risk } from './gate-table';
import { entityIdsIn, ownArg, urlTarget, walkValues } from './inspect';
import { isPathUnder, normalizePath } from './paths';

export interface RiskInput {
  tool: string;
  baseRisk: Risk | string | null | undefined;
  input: unknown;
  /** Hosts http_request has already reached successfully, as `URL.host` lower-cased (name plus any non-default port). */
  knownHosts: ReadonlySet<string>;
  /** Entity ids the person marked critical. */
  criticalEntities: ReadonlySet<string>;
  /** Absolute; "~" is expanded with homeDir. */
  downloadsDir: string;
  homeDir: string;
}

export interface RiskResult {
  risk: Risk;
  /** Human-readable, one for each argument that lifts the call above its declared risk. */
  reasons: string[];
}

/** Home Assistant domains whose devices keep people and homes safe: doors, alarms, garage doors and other covers. */
export const PHYSICAL_SAFETY_DOMAINS: readonly string[] = Object.freeze(['lock', 'alarm_control_panel', 'cover']);

// Home Assistant's own shape for an entity id: domain "." object id, lower-case letters, digits, underscores.
const ENTITY_ID = /^[a-z0-9_]+\.[a-z0-9_]+$/;

// Service targets that pick entities by place or grouping instead of by id.
const INDIRECT_TARGETS: readonly string[] = ['area_id', 'device_id', 'floor_id', 'label_id'];

/**
 * Whether acting on this entity could open a door, disarm an alarm or move a garage door. An id that is
 * not a single well-formed entity id ("all", a template, an empty string) could name any of those, so it counts.
 */
export function isPhysicalSafetyEntity(entityId: string): boolean {
  const id = entityId.trim().toLowerCase();
  if (!ENTITY_ID.test(id)) return true;
  const domain = id.slice(0, id.indexOf('.'));
  return PHYSICAL_SAFETY_DOMAINS.includes(domain) || id.includes('garage');
}

export function maxRisk(a: Risk, b: Risk): Risk {
  return RISKS[Math.max(riskRank(a), riskRank(b))] ?? 'critical';
}

export function classifyRisk(r: RiskInput): RiskResult {
  const base = parseRisk(r.baseRisk);
  if (base === null) return { risk: 'critical', reasons: [`unknown risk ${describeUnknown(r.baseRisk)}`] };

  const raises: { floor: Risk; reason: string }[] = [];
  const raise = (floor: Risk, reason: string): void => {
    raises.push({ floor, reason });
  };
  if (r.tool === 'http_request') httpRequestRisk(r, raise);
  if (r.tool === 'daemon.file_move') fileMoveRisk(r, raise);
  // The daemon carries Home Assistant calls out as daemon.ha.call_service; both names are read alike.
  if (r.tool === 'ha.call_service' || r.tool === 'daemon.ha.call_service') haServiceRisk(r.input, raise);
  entityRisk(r, raise);

  let risk = base;
  const reasons: string[] = [];
  for (const { floor, reason } of raises) {
    if (riskRank(floor) <= riskRank(base)) continue;
    risk = maxRisk(risk, floor);
    if (!reasons.includes(reason)) reasons.push(reason);
  }
  return { risk, reasons };
}

type Raise = (floor: Risk, reason: string) => void;

function httpRequestRisk(r: RiskInput, raise: Raise): void {
  const url = ownArg(r.input, 'url');
  const target = typeof url === 'string' ? urlTarget(url) : null;
  if (target === null) {
    raise('medium', 'the request URL could not be read');
    return;
  }
  if (isKnownHost(r.knownHosts, target.host)) return;
  const method = ownArg(r.input, 'method');
  // The tool's own schema defaults a missing method to GET; anything else may change state over there.
  const reads = method === undefined || method === 'GET' || method === 'HEAD';
  if (reads) raise('low', `${method ?? 'GET'} to a new host ${target.host}`);
  else raise('medium', `${typeof method === 'string' ? method : 'a request with an unreadable method'} to a new host ${target.host}`);
}

function isKnownHost(known: ReadonlySet<string>, host: string): boolean {
  if (known.has(host)) return true;
  for (const entry of known) if (entry.toLowerCase() === host) return true;
  return false;
}

function fileMoveRisk(r: RiskInput, raise: Raise): void {
  const from = ownArg(r.input, 'from');
  const to = ownArg(r.input, 'to');
  const downloads = normalizePath(r.downloadsDir, r.homeDir);
  const home = normalizePath(r.homeDir, r.homeDir);
  const src = typeof from === 'string' ? normalizePath(from, r.homeDir) : null;
  const dest = typeof to === 'string' ? normalizePath(to, r.homeDir) : null;
  if (downloads === null || home === null || src === null || dest === null) {
    raise('high', 'cannot tell where the file moves from or to (a path is not absolute)');
    return;
  }
  // "Inside Downloads" is read generously (any case) and "inside home" strictly, so doubt always raises.
  if (isPathUnder(src, downloads, true) && !isPathUnder(dest, downloads, false)) raise('high', 'moves a file out of Downloads');
  if (!isPathUnder(dest, home, false)) raise('high', `moves a file outside the home folder (to ${dest})`);
}

function haServiceRisk(input: unknown, raise: Raise): void {
  const { domain, service } = haService(input);
  if (domain === null) {
    raise('critical', 'cannot tell which Home Assistant domain the service call acts on');
    return;
  }
  const name = `${domain}.${service ?? '?'}`;
  if (PHYSICAL_SAFETY_DOMAINS.includes(domain)) {
    raise('critical', `${name} acts on a physical-safety device`);
    return;
  }
  // homeassistant.turn_off and friends act on every domain (turn_off closes covers), so a target by
  // area, device, floor or label may sweep in locks and garage doors the call never names.
  if (domain === 'homeassistant') {
    const indirect = INDIRECT_TARGETS.filter((key) => hasKeyAnywhere(input, key));
    if (indirect.length > 0) raise('critical', `${name} with ${indirect.join(', ')} may reach physical-safety devices`);
  }
}

function haService(input: unknown): { domain: string | null; service: string | null } {
  const domain = ownArg(input, 'domain');
  const service = ownArg(input, 'service');
  const serviceText = typeof service === 'string' ? service.trim().toLowerCase() : null;
  if (typeof domain === 'string' && domain.trim() !== '') return { domain: domain.trim().toLowerCase(), service: serviceText };
  // Home Assistant also accepts "lock.unlock" as one string.
  if (domain === undefined && serviceText !== null && serviceText.includes('.')) {
    const dot = serviceText.indexOf('.');
    return { domain: serviceText.slice(0, dot), service: serviceText.slice(dot + 1) };
  }
  return { domain: null, service: serviceText };
}

function hasKeyAnywhere(input: unknown, key: string): boolean {
  let found = false;
  // An input too large to finish is already critical through the entity scan.
  walkValues(input, (k) => {
    if (k === key) found = true;
  });
  return found;
}

function entityRisk(r: RiskInput, raise: Raise): void {
  const scan = entityIdsIn(r.input);
  if (!scan.ok) {
    raise('critical', scan.reason);
    return;
  }
  const critical = new Set([...r.criticalEntities].map((id) => id.trim().toLowerCase()));
  for (const id of scan.ids) {
    if (!ENTITY_ID.test(id)) raise('critical', `entity_id "${id}" is not a single entity and could include physical-safety devices`);
    else if (isPhysicalSafetyEntity(id)) raise('critical', `${id} is in the physical-safety tier`);
    else if (critical.has(id)) raise('critical', `${id} is marked critical`);
  }
}

function describeUnknown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : typeof value;
}
