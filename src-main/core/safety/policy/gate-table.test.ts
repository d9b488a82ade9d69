// The gate table: every cell spelled out, strict readers, and the monotonicity properties checked exhaustively and by random walks.
import { describe, expect, it } from 'vitest';
import { RISKS as TOOL_RISKS } from '../../tools/types';
import { AUTONOMY_LEVELS, GATE_TABLE, RISKS, VERDICT_PERMISSIVENESS, gateCell, parseAutonomy, parseRisk, requireAutonomy, type Autonomy, type Risk, type Verdict } from './index';

const Y = 'allow';
const Q = 'require_approval';
const N = 'deny';

// Rows are autonomy levels, columns none, low, medium, high, critical.
const EXPECTED: Record<Autonomy, [Verdict, Verdict, Verdict, Verdict, Verdict]> = {
  A0: [N, N, N, N, N],
  A1: [Y, Q, Q, Q, Q],
  A2: [Y, Y, Q, Q, Q],
  A3: [Y, Y, Y, Q, Q],
  A4: [Y, Y, Y, Y, Q],
};

const perm = (a: Autonomy, r: Risk): number => VERDICT_PERMISSIVENESS[gateCell(a, r).verdict];
const levelIndex = (a: Autonomy): number => AUTONOMY_LEVELS.indexOf(a);
const riskIndex = (r: Risk): number => RISKS.indexOf(r);

describe('GATE_TABLE', () => {
  it('uses the same risks as the tools', () => {
    expect(RISKS).toBe(TOOL_RISKS);
    expect([...RISKS]).toEqual(['none', 'low', 'medium', 'high', 'critical']);
  });

  it.each(AUTONOMY_LEVELS.flatMap((a) => RISKS.map((r, i) => [a, r, EXPECTED[a][i]] as const)))('%s × %s → %s', (a, r, verdict) => {
    expect(GATE_TABLE[a][r]).toBe(verdict);
    expect(gateCell(a, r)).toEqual({ verdict, cell: `${a}×${r}` });
  });

  it('has exactly 25 cells', () => {
    expect(Object.keys(GATE_TABLE)).toEqual([...AUTONOMY_LEVELS]);
    for (const a of AUTONOMY_LEVELS) expect(Object.keys(GATE_TABLE[a])).toEqual([...RISKS]);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(GATE_TABLE)).toBe(true);
    for (const a of AUTONOMY_LEVELS) expect(Object.isFrozen(GATE_TABLE[a])).toBe(true);
    expect(() => {
      (GATE_TABLE.A2 as Record<Risk, Verdict>).critical = 'allow';
    }).toThrow(TypeError);
  });

  it('orders verdicts deny < require_approval < allow', () => {
    expect(VERDICT_PERMISSIVENESS.deny).toBeLessThan(VERDICT_PERMISSIVENESS.require_approval);
    expect(VERDICT_PERMISSIVENESS.require_approval).toBeLessThan(VERDICT_PERMISSIVENESS.allow);
  });

  it('reads values that slip past the types as the most restrictive cell', () => {
    expect(gateCell('A9' as Autonomy, 'none')).toEqual({ verdict: 'deny', cell: 'A0×none' });
    expect(gateCell('A4', 'catastrophic' as Risk)).toEqual({ verdict: 'require_approval', cell: 'A4×critical' });
  });
});

describe('monotonicity, over every combination', () => {
  it('lowering autonomy never makes a decision more permissive', () => {
    for (const a of AUTONOMY_LEVELS)
      for (const b of AUTONOMY_LEVELS)
        for (const r of RISKS) if (levelIndex(a) <= levelIndex(b)) expect(perm(a, r), `${a} vs ${b} at ${r}`).toBeLessThanOrEqual(perm(b, r));
  });

  it('raising risk never makes a decision more permissive', () => {
    for (const a of AUTONOMY_LEVELS)
      for (const r of RISKS)
        for (const s of RISKS) if (riskIndex(r) <= riskIndex(s)) expect(perm(a, s), `${a} at ${r} vs ${s}`).toBeLessThanOrEqual(perm(a, r));
  });

  it('never allows critical risk', () => {
    for (const a of AUTONOMY_LEVELS) expect(gateCell(a, 'critical').verdict).not.toBe('allow');
  });
});

// mulberry32: a tiny seeded generator, so a failing walk can be replayed from its seed.
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Change = 'autonomy_up' | 'autonomy_down' | 'risk_up' | 'risk_down' | 'jump';
const CHANGES: readonly Change[] = ['autonomy_up', 'autonomy_down', 'risk_up', 'risk_down', 'jump'];

describe('monotonicity, over seeded random sequences of changes', () => {
  it.each([1, 7, 42, 1234, 987654321])('holds along every step of walk %i', (seed) => {
    const rand = mulberry32(seed);
    const pick = (n: number): number => Math.floor(rand() * n);
    let level = pick(AUTONOMY_LEVELS.length);
    let risk = pick(RISKS.length);
    const seen: { level: number; risk: number; p: number }[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const before = { level, risk, p: perm(AUTONOMY_LEVELS[level] ?? 'A0', RISKS[risk] ?? 'critical') };
      const change = CHANGES[pick(CHANGES.length)] ?? 'jump';
      switch (change) {
        case 'autonomy_up':
          level = Math.min(level + 1, AUTONOMY_LEVELS.length - 1);
          break;
        case 'autonomy_down':
          level = Math.max(level - 1, 0);
          break;
        case 'risk_up':
          risk = Math.min(risk + 1, RISKS.length - 1);
          break;
        case 'risk_down':
          risk = Math.max(risk - 1, 0);
          break;
        case 'jump':
          level = pick(AUTONOMY_LEVELS.length);
          risk = pick(RISKS.length);
          break;
        default: {
          const never: never = change;
          throw new Error(`unknown change ${String(never)}`);
        }
      }
      const after = { level, risk, p: perm(AUTONOMY_LEVELS[level] ?? 'A0', RISKS[risk] ?? 'critical') };
      const context = `seed ${seed}, step ${i}: ${change} from ${JSON.stringify(before)} to ${JSON.stringify(after)}`;
      // Less autonomy and no less risk can only hold the verdict or tighten it.
      if (after.level <= before.level && after.risk >= before.risk) expect(after.p, context).toBeLessThanOrEqual(before.p);
      if (after.level >= before.level && after.risk <= before.risk) expect(after.p, context).toBeGreaterThanOrEqual(before.p);
      if (RISKS[risk] === 'critical') expect(after.p, context).toBeLessThan(VERDICT_PERMISSIVENESS.allow);
      seen.push(after);
    }
    // The same ordering between any two states of the walk, not just neighbours.
    for (let i = 0; i < seen.length; i += 97)
      for (let j = 0; j < seen.length; j += 89) {
        const x = seen[i];
        const y = seen[j];
        if (x && y && x.level <= y.level && x.risk >= y.risk) expect(x.p).toBeLessThanOrEqual(y.p);
      }
  });
});

describe('parseAutonomy / requireAutonomy / parseRisk', () => {
  it('accepts exactly the listed values', () => {
    for (const a of AUTONOMY_LEVELS) expect(parseAutonomy(a)).toBe(a);
    for (const r of RISKS) expect(parseRisk(r)).toBe(r);
  });

  it.each([['a2'], [' A2'], ['A5'], [''], [2], [null], [undefined], [{}]])('refuses %j', (value) => {
    expect(parseAutonomy(value)).toBeNull();
    expect(() => requireAutonomy(value)).toThrow(/expected one of A0, A1, A2, A3, A4/);
  });

  it('returns null for unknown risks, which callers treat as critical', () => {
    for (const value of ['Critical', 'severe', '', 3, null, undefined, ['low']]) expect(parseRisk(value)).toBeNull();
  });
});
