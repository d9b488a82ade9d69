// The autonomy × risk gate table: one frozen table of verdicts, and strict readers for levels and risks.
import { RISKS, type Risk } from '../../tools/types';

// Re-exported so the policy engine and its callers share the tools' one list of risks.
export { RISKS };
export type { Risk };

export const AUTONOMY_LEVELS = ['A0', 'A1', 'A2', 'A3', 'A4'] as const;
export type Autonomy = (typeof AUTONOMY_LEVELS)[number];

/** The level a fresh install runs at. */
export const DEFAULT_AUTONOMY: Autonomy = 'A2';

export type Verdict = 'allow' | 'require_approval' | 'deny';

/** Higher is more permissive; the property tests compare cells with this. */
export const VERDICT_PERMISSIVENESS: Readonly<Record<Verdict, number>> = Object.freeze({ deny: 0, require_approval: 1, allow: 2 });

const row = (none: Verdict, low: Verdict, medium: Verdict, high: Verdict, critical: Verdict): Readonly<Record<Risk, Verdict>> =>
  Object.freeze({ none, low, medium, high, critical });

/**
 * Every decision the gate can make from autonomy and risk. Critical risk asks at every level above A0,
 * and A0 only observes: even read-only calls are refused there.
 */
export const GATE_TABLE: Readonly<Record<Autonomy, Readonly<Record<Risk, Verdict>>>> = Object.freeze({
  A0: row('deny', 'deny', 'deny', 'deny', 'deny'),
  A1: row('allow', 'require_approval', 'require_approval', 'require_approval', 'require_approval'),
  A2: row('allow', 'allow', 'require_approval', 'require_approval', 'require_approval'),
  A3: row('allow', 'allow', 'allow', 'require_approval', 'require_approval'),
  A4: row('allow', 'allow', 'allow', 'allow', 'require_approval'),
});

export function parseAutonomy(value: unknown): Autonomy | null {
  return typeof value === 'string' && (AUTONOMY_LEVELS as readonly string[]).includes(value) ? (value as Autonomy) : null;
}

export function requireAutonomy(value: unknown): Autonomy {
  const level = parseAutonomy(value);
  if (level === null) throw new RangeError(`Unknown autonomy level ${describeValue(value)}: expected one of ${AUTONOMY_LEVELS.join(', ')}.`);
  return level;
}

/** Unknown risks are null; callers treat them as critical. */
export function parseRisk(value: unknown): Risk | null {
  return typeof value === 'string' && (RISKS as readonly string[]).includes(value) ? (value as Risk) : null;
}

/** 0 for none … 4 for critical; anything unreadable ranks as critical. */
export function riskRank(risk: unknown): number {
  const known = parseRisk(risk);
  return known === null ? RISKS.length - 1 : RISKS.indexOf(known);
}

/**
 * The verdict for one cell and its name for the audit trail ("A2×medium"). Values that slip past the
 * types (a corrupted stored level, a made-up risk) fall to the most restrictive reading: an unknown
 * level is A0 and an unknown risk is critical, and the cell names what was actually looked up.
 */
export function gateCell(autonomy: Autonomy, risk: Risk): { verdict: Verdict; cell: string } {
  const level = parseAutonomy(autonomy) ?? 'A0';
  const r = parseRisk(risk) ?? 'critical';
  return { verdict: GATE_TABLE[level][r], cell: `${level}×${r}` };
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : typeof value;
}
