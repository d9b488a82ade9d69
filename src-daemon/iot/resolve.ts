// Turns what a person says ("the kitchen light", "set the thermostat to 21") into one entity and the service call that does it.
import type { HaAction } from '../protocol';

export interface EntityInfo {
  entity_id: string;
  name: string;
  area: string | null;
  state: string;
}

export interface Resolved {
  entity_id: string;
  domain: string;
  service: string;
  data: Record<string, unknown>;
  name: string;
  area: string | null;
  /** The state now, for the dry-run preview ("would turn on light.kitchen (now off)"). */
  state: string;
}

export type Resolution = { ok: true; resolved: Resolved } | { ok: false; message: string };

const SWITCHABLE = ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'climate', 'humidifier', 'siren', 'remote', 'vacuum'];
const DOMAINS_FOR: Record<HaAction, readonly string[]> = {
  turn_on: SWITCHABLE,
  turn_off: SWITCHABLE,
  toggle: SWITCHABLE,
  lock: ['lock'],
  unlock: ['lock'],
  set: ['light', 'climate', 'fan', 'cover', 'input_number', 'number', 'input_select', 'select', 'input_text', 'text'],
};
// Words people use for a domain; they narrow the search and are not needed in the name.
const NOUNS: Record<string, string[]> = {
  light: ['light', 'lights', 'lamp', 'lamps'],
  switch: ['switch', 'plug', 'outlet', 'socket'],
  lock: ['lock', 'door'],
  climate: ['thermostat', 'heating', 'heater', 'temperature', 'ac', 'air conditioning'],
  fan: ['fan'],
  cover: ['blind', 'blinds', 'shade', 'shades', 'curtain', 'curtains', 'cover'],
  media_player: ['tv', 'television', 'speaker', 'player'],
};

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[_.]/g, ' ')
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .split(/\s+/)
    .filter((w) => w && w !== 'the' && w !== 'my' && w !== 'in' && w !== 'of');

/** Service and data for `set <name> to <value>` in the entity's domain; null when the value does not fit. */
function setCall(domain: string, value: string): { service: string; data: Record<string, unknown> } | null {
  const number = Number(value.replace(/\s*(%|percent|degrees?|°c?|°f?)$/i, ''));
  const numeric = value.trim() !== '' && Number.isFinite(number);
  switch (domain) {
    case 'light':
      return numeric && number >= 0 && number <= 100 ? { service: 'turn_on', data: { brightness_pct: number } } : null;
    case 'climate':
      return numeric ? { service: 'set_temperature', data: { temperature: number } } : null;
    case 'fan':
      return numeric && number >= 0 && number <= 100 ? { service: 'set_percentage', data: { percentage: number } } : null;
    case 'cover':
      return numeric && number >= 0 && number <= 100 ? { service: 'set_cover_position', data: { position: number } } : null;
    case 'input_number':
    case 'number':
      return numeric ? { service: 'set_value', data: { value: number } } : null;
    case 'input_select':
    case 'select':
      return { service: 'select_option', data: { option: value } };
    case 'input_text':
    case 'text':
      return { service: 'set_value', data: { value } };
    default:
      return null;
  }
}

function score(wanted: string[], e: EntityInfo, domain: string): number {
  const name = words(e.name);
  const objectId = words(e.entity_id.slice(e.entity_id.indexOf('.') + 1));
  const area = e.area ? words(e.area) : [];
  const nouns = NOUNS[domain] ?? [domain];
  const pool = new Set([...name, ...objectId, ...area]);
  // Every word must be in the name, the id, the area, or be a word for the domain.
  if (!wanted.every((w) => pool.has(w) || nouns.includes(w))) return 0;
  const exact = wanted.join(' ') === name.join(' ') || wanted.join(' ') === objectId.join(' ');
  return (exact ? 100 : 10) + wanted.filter((w) => name.includes(w)).length * 2 + wanted.filter((w) => area.includes(w)).length;
}

export function resolve(name: string, action: HaAction, value: string | undefined, entities: readonly EntityInfo[]): Resolution {
  const wanted = words(name);
  if (wanted.length === 0) return { ok: false, message: `"${name}" does not name anything.` };
  const domains = DOMAINS_FOR[action];
  const ranked = entities
    .map((e) => ({ e, domain: e.entity_id.slice(0, e.entity_id.indexOf('.')) }))
    .filter((c) => domains.includes(c.domain))
    .map((c) => ({ ...c, score: score(wanted, c.e, c.domain) }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (!best) return { ok: false, message: `No ${action === 'lock' || action === 'unlock' ? 'lock' : 'device'} called "${name}" is known to Home Assistant.` };
  const tied = ranked.filter((c) => c.score === best.score);
  if (tied.length > 1) return { ok: false, message: `"${name}" could be ${tied.slice(0, 5).map((c) => `${c.e.name} (${c.e.entity_id})`).join(', ')}; say which.` };
  const { e, domain } = best;
  let service: string = action;
  let data: Record<string, unknown> = {};
  if (action === 'set') {
    const call = value === undefined ? null : setCall(domain, value);
    if (!call) return { ok: false, message: `${e.name} (${e.entity_id}) cannot be set to "${value ?? ''}".` };
    ({ service, data } = call);
  }
  return { ok: true, resolved: { entity_id: e.entity_id, domain, service, data, name: e.name, area: e.area, state: e.state } };
}
