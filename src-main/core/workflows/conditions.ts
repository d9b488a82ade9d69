// `when` conditions: a small declarative language (compare, exists, matches, in, all/any/not), its schema and evaluator.
import { z } from 'zod';
import { friendlierMessages, issueProblems } from './problems';
import { compilePattern, testPattern } from './regex';
import { MAX_NESTING, isPlainObject, pathProblem, readReference, type Location, type ReferenceSite, type RunContext, type ValueRef } from './refs';

export const CONDITION_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists', 'matches', 'in'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Compares one value, read like a reference, with `value` (which `exists` and `not_exists` do without). */
export type Comparison = ({ from_step: string; path?: string | undefined } | { from_input: string }) & { op: ConditionOp; value?: unknown };
export type Condition = Comparison | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const MAX_BRANCHES = 50;

const pathString = (allowEmpty: boolean) =>
  z.string().superRefine((path, ctx) => {
    const problem = pathProblem(path, allowEmpty);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
const Op = z.enum(CONDITION_OPS, { error: `op must be one of ${CONDITION_OPS.join(', ')}` });

/** Why `value` does not suit `op`, or null. `hasValue` tells a missing value from an explicit null. */
function valueProblem(op: ConditionOp, hasValue: boolean, value: unknown): string | null {
  switch (op) {
    case 'exists':
    case 'not_exists':
      return hasValue ? `"${op}" takes no value` : null;
    case 'eq':
    case 'ne':
      return hasValue ? null : `"${op}" needs a value to compare with`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' && Number.isFinite(value) ? null : `"${op}" compares numbers, so value must be a number`;
    case 'matches': {
      if (typeof value !== 'string') return '"matches" needs value to be a regular expression, written as a string';
      const compiled = compilePattern(value);
      return compiled.ok ? null : compiled.reason;
    }
    case 'in':
      return Array.isArray(value) ? null : '"in" needs value to be an array of the allowed values';
    default:
      return unreachable(op);
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected ${String(x)}`);
}

const checkValue = (c: { op: ConditionOp; value?: unknown }, ctx: z.RefinementCtx): void => {
  const problem = valueProblem(c.op, 'value' in c, c.value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
};

const StepComparison = z.strictObject({ from_step: z.string().min(1, { error: 'from_step must be the id of a step' }), path: pathString(false).exactOptional(), op: Op, value: z.unknown().exactOptional() }).superRefine(checkValue);
const InputComparison = z.strictObject({ from_input: pathString(true), op: Op, value: z.unknown().exactOptional() }).superRefine(checkValue);
const lazyCondition = z.lazy(() => Condition);
const All = z.strictObject({ all: z.array(lazyCondition).min(1, { error: '"all" needs at least one condition' }).max(MAX_BRANCHES) });
const Any = z.strictObject({ any: z.array(lazyCondition).min(1, { error: '"any" needs at least one condition' }).max(MAX_BRANCHES) });
const Not = z.strictObject({ not: lazyCondition });

const SHAPES = 'a condition is {"from_step", "path", "op", "value"}, {"from_input", "op", "value"}, {"all": [...]}, {"any": [...]} or {"not": {...}}';

/** Picks the form by its distinguishing key, so a mistake is reported against that form rather than as "matches no option". */
function formOf(v: unknown): z.ZodType<Condition> | null {
  if (!isPlainObject(v)) return null;
  if ('all' in v) return All;
  if ('any' in v) return Any;
  if ('not' in v) return Not;
  if ('from_step' in v) return StepComparison;
  if ('from_input' in v) return InputComparison;
  return null;
}

function depthExceeds(v: unknown, depth: number): boolean {
  if (depth > MAX_NESTING) return true;
  if (Array.isArray(v)) return v.some((x) => depthExceeds(x, depth + 1));
  if (isPlainObject(v)) return Object.values(v).some((x) => depthExceeds(x, depth + 1));
  return false;
}

const ConditionForm: z.ZodType<Condition> = z.unknown().transform((v, ctx) => {
  const form = formOf(v);
  if (form === null) {
    ctx.addIssue({ code: 'custom', message: SHAPES });
    return z.NEVER;
  }
  const parsed = form.safeParse(v, { error: friendlierMessages });
  if (parsed.success) return parsed.data;
  for (const p of issueProblems(parsed.error.issues)) ctx.addIssue({ code: 'custom', message: p.message, path: [...p.at] });
  return z.NEVER;
});

/** The `when` schema. The depth check runs first, so a pathologically deep condition never reaches the recursive parse. */
export const Condition: z.ZodType<Condition> = z
  .unknown()
  .superRefine((v, ctx) => {
    if (depthExceeds(v, 0)) ctx.addIssue({ code: 'custom', message: `the condition is nested more than ${MAX_NESTING} levels deep` });
  })
  .pipe(ConditionForm);

/**
 * True when the condition holds. Never throws: a value that is not there (a step that did not run or was skipped,
 * a missing path) simply fails comparisons.
 * - exists: the value is there and is not null (tools often report "no error" as `"error": null`); not_exists is the opposite.
 * - eq / in: deep JSON equality. ne is exactly "not eq", so it holds when the value is missing.
 * - gt, gte, lt, lte: both sides must be numbers, else false.
 * - matches: strings only; the pattern is tested against the first MATCH_INPUT_CAP characters.
 * - all of [] is true and any of [] is false, though the schema refuses empty lists.
 */
export function evaluateCondition(cond: Condition, ctx: RunContext): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, ctx));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, ctx));
  if ('not' in cond) return !evaluateCondition(cond.not, ctx);
  const ref: ValueRef = 'from_input' in cond ? { from_input: cond.from_input } : { from_step: cond.from_step, path: cond.path };
  const read = readReference(ref, ctx);
  const actual = read.found ? read.value : undefined;
  const expected = cond.value;
  switch (cond.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return actual === undefined || actual === null;
    case 'eq':
      return read.found && jsonEqual(actual, expected);
    case 'ne':
      return !(read.found && jsonEqual(actual, expected));
    case 'gt':
      return compareNumbers(actual, expected, (a, b) => a > b);
    case 'gte':
      return compareNumbers(actual, expected, (a, b) => a >= b);
    case 'lt':
      return compareNumbers(actual, expected, (a, b) => a < b);
    case 'lte':
      return compareNumbers(actual, expected, (a, b) => a <= b);
    case 'matches':
      return typeof actual === 'string' && typeof expected === 'string' && testPattern(expected, actual);
    case 'in':
      return read.found && Array.isArray(expected) && expected.some((option) => jsonEqual(actual, option));
    default:
      return unreachable(cond.op);
  }
}

function compareNumbers(a: unknown, b: unknown, holds: (a: number, b: number) => boolean): boolean {
  return typeof a === 'number' && typeof b === 'number' && holds(a, b);
}

/** Structural equality of JSON values: same primitives, arrays element by element, objects with the same keys. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** Step references inside a condition that may not have been validated; malformed parts are skipped. */
export function conditionReferences(cond: unknown, at: Location, depth = 0): ReferenceSite[] {
  if (!isPlainObject(cond) || depth > MAX_NESTING) return [];
  for (const key of ['all', 'any'] as const) {
    const list = cond[key];
    if (Array.isArray(list)) return list.flatMap((c, i) => conditionReferences(c, [...at, key, i], depth + 1));
  }
  if ('not' in cond) return conditionReferences(cond.not, [...at, 'not'], depth + 1);
  if (typeof cond.from_step === 'string' && cond.from_step !== '') {
    return [{ ref: typeof cond.path === 'string' ? { from_step: cond.from_step, path: cond.path } : { from_step: cond.from_step }, at }];
  }
  return [];
}
