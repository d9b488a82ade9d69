// Conditions: every op on present and missing values, all/any/not, the input cap, and the checks on patterns and values.
import { describe, expect, it } from 'vitest';
import { evaluateCondition, type Condition, type ConditionOp } from './index';
import { Condition as ConditionSchema } from './conditions';
import { compilePattern } from './regex';

const ctx = {
  outputs: {
    s1: { status: 200, body: 'Rain expected', temp: 12.5, tags: ['wet', 'cold'], error: null, nested: { a: [1, { b: 2 }] } },
    skipped: undefined,
  },
  runInput: { city: 'Oslo', quiet: false, limit: 3 },
};
const s1 = (path: string, op: ConditionOp, value?: unknown): Condition =>
  value === undefined ? { from_step: 's1', path, op } : { from_step: 's1', path, op, value };
const holds = (c: Condition) => evaluateCondition(c, ctx);

describe('evaluateCondition: each op', () => {
  it.each<[string, Condition, boolean]>([
    ['eq number', s1('status', 'eq', 200), true],
    ['eq differs', s1('status', 'eq', 404), false],
    ['eq is strict about types', s1('status', 'eq', '200'), false],
    ['eq deep array', s1('tags', 'eq', ['wet', 'cold']), true],
    ['eq deep object', s1('nested', 'eq', { a: [1, { b: 2 }] }), true],
    ['eq deep object differs', s1('nested', 'eq', { a: [1, { b: 3 }] }), false],
    ['eq null', s1('error', 'eq', null), true],
    ['ne', s1('status', 'ne', 500), true],
    ['ne same', s1('status', 'ne', 200), false],
    ['gt', s1('temp', 'gt', 12), true],
    ['gt equal', s1('temp', 'gt', 12.5), false],
    ['gte equal', s1('temp', 'gte', 12.5), true],
    ['lt', s1('temp', 'lt', 13), true],
    ['lte equal', s1('temp', 'lte', 12.5), true],
    ['lte above', s1('temp', 'lte', 12), false],
    ['gt on a string is false', s1('body', 'gt', 1), false],
    ['exists', s1('body', 'exists'), true],
    ['exists on an array element', s1('nested.a.1.b', 'exists'), true],
    ['exists on null is false', s1('error', 'exists'), false],
    ['not_exists on null', s1('error', 'not_exists'), true],
    ['not_exists on a present value', s1('status', 'not_exists'), false],
    ['matches', s1('body', 'matches', '^rain|^Rain'), true],
    ['matches fails', s1('body', 'matches', 'snow'), false],
    ['matches on a number is false', s1('status', 'matches', '200'), false],
    ['in', s1('status', 'in', [200, 201]), true],
    ['in with deep values', s1('tags', 'in', [['wet', 'cold'], []]), true],
    ['in misses', s1('status', 'in', [500]), false],
    ['from_input eq', { from_input: 'city', op: 'eq', value: 'Oslo' }, true],
    ['from_input false is present', { from_input: 'quiet', op: 'exists' }, true],
    ['from_input lte', { from_input: 'limit', op: 'lte', value: 3 }, true],
    ['whole step output', { from_step: 's1', op: 'exists' }, true],
  ])('%s', (_label, cond, expected) => {
    expect(holds(cond)).toBe(expected);
  });

  it.each<[string, Condition, boolean]>([
    ['eq', { from_step: 'never-ran', op: 'eq', value: null }, false],
    ['ne holds (it is "not eq")', { from_step: 'never-ran', op: 'ne', value: 1 }, true],
    ['gt', s1('missing', 'gt', 0), false],
    ['lt', s1('missing', 'lt', 0), false],
    ['exists', s1('missing', 'exists'), false],
    ['not_exists', { from_step: 'skipped', op: 'not_exists' }, true],
    ['matches', s1('missing', 'matches', '.*'), false],
    ['in', s1('missing', 'in', [null]), false],
    ['from_input exists', { from_input: 'country', op: 'exists' }, false],
  ])('a missing value: %s → %s', (_label, cond, expected) => {
    expect(holds(cond)).toBe(expected);
  });

  it('tests matches against the first 1000 characters only', () => {
    const long = { outputs: { s: 'a'.repeat(1500) + 'needle' }, runInput: {} };
    expect(evaluateCondition({ from_step: 's', op: 'matches', value: 'needle' }, long)).toBe(false);
    expect(evaluateCondition({ from_step: 's', op: 'matches', value: '^a{1000}$' }, long)).toBe(true);
    const early = { outputs: { s: 'needle' + 'a'.repeat(5000) }, runInput: {} };
    expect(evaluateCondition({ from_step: 's', op: 'matches', value: '^needle' }, early)).toBe(true);
  });

  it('never throws on a pattern that did not pass validation', () => {
    expect(holds(s1('body', 'matches', '('))).toBe(false);
  });
});

describe('evaluateCondition: all, any, not', () => {
  const yes = s1('status', 'eq', 200);
  const no = s1('status', 'eq', 500);

  it.each<[string, Condition, boolean]>([
    ['all true', { all: [yes, yes] }, true],
    ['all with one false', { all: [yes, no] }, false],
    ['any with one true', { any: [no, yes] }, true],
    ['any all false', { any: [no, no] }, false],
    ['not', { not: no }, true],
    ['not not', { not: { not: yes } }, true],
    ['nested', { all: [{ any: [no, { not: no }] }, { from_input: 'city', op: 'in', value: ['Oslo', 'Bergen'] }] }, true],
  ])('%s', (_label, cond, expected) => {
    expect(holds(cond)).toBe(expected);
  });
});

describe('the condition schema', () => {
  const problems = (raw: unknown) => {
    const r = ConditionSchema.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('accepts every form', () => {
    const c = { all: [{ from_step: 's1', path: 'a.0', op: 'in', value: [1] }, { any: [{ from_input: 'x', op: 'not_exists' }] }, { not: { from_input: '', op: 'ne', value: null } }] };
    expect(ConditionSchema.parse(c)).toEqual(c);
  });

  it.each<[string, unknown, { path: string; message: string }]>([
    ['an unknown op', { from_step: 's1', op: 'like', value: 1 }, { path: 'op', message: expect.stringContaining('op must be one of eq, ne') }],
    ['a value on exists', { from_step: 's1', op: 'exists', value: 1 }, { path: 'value', message: '"exists" takes no value' }],
    ['no value on eq', { from_step: 's1', op: 'eq' }, { path: 'value', message: '"eq" needs a value to compare with' }],
    ['a string for gt', { from_input: 'n', op: 'gt', value: '3' }, { path: 'value', message: '"gt" compares numbers, so value must be a number' }],
    ['a non-array for in', { from_input: 'n', op: 'in', value: 3 }, { path: 'value', message: '"in" needs value to be an array of the allowed values' }],
    ['a non-string for matches', { from_input: 'n', op: 'matches', value: 3 }, { path: 'value', message: expect.stringContaining('regular expression') }],
    ['an invalid regex', { from_input: 'n', op: 'matches', value: '[a-' }, { path: 'value', message: expect.stringContaining('invalid regular expression') }],
    ['an exponential regex', { from_input: 'n', op: 'matches', value: '^(\\w+\\s?)*$' }, { path: 'value', message: expect.stringContaining('exponentially') }],
    ['an empty all', { all: [] }, { path: 'all', message: '"all" needs at least one condition' }],
    ['a bad nested condition', { any: [{ not: { from_step: 's1', op: 'gt' } }] }, { path: 'any.0.not.value', message: expect.stringContaining('numbers') }],
    ['path beside from_input', { from_input: 'a', path: 'b', op: 'exists' }, { path: 'path', message: 'unknown field "path"' }],
    ['both forms at once', { all: [{ from_input: 'a', op: 'exists' }], not: { from_input: 'a', op: 'exists' } }, { path: 'not', message: 'unknown field "not"' }],
    ['no recognisable form', { op: 'exists' }, { path: '', message: expect.stringContaining('a condition is') }],
    ['an empty path', { from_step: 's1', path: '', op: 'exists' }, { path: 'path', message: expect.stringContaining('must not be empty') }],
  ])('refuses %s', (_label, raw, expected) => {
    expect(problems(raw)).toEqual([expected]);
  });

  it('refuses conditions nested too deeply without overflowing the stack', () => {
    let deep: unknown = { from_input: 'a', op: 'exists' };
    for (let i = 0; i < 100_000; i += 1) deep = { not: deep };
    expect(problems(deep)).toEqual([{ path: '', message: 'the condition is nested more than 32 levels deep' }]);
  });
});

describe('compilePattern', () => {
  it.each(['^2\\d\\d$', 'rain|snow', '^(yes|no)$', '(\\d{1,3}\\.){3}\\d{1,3}', '[\\w-]+@[\\w.-]+', '(?:ab)+', '(a|b)?c', '(?<word>\\w+)\\s\\k<word>', 'a{2,}', '[(]+\\)*', '\\(a+\\)+'])('accepts %s', (source) => {
    expect(compilePattern(source).ok).toBe(true);
  });

  it.each(['(a+)+$', '(a*)*b', '(\\w|-)+', '(x*){9}', '((ab)+c)*', '(?:a|ab)*c', '((a|b)c)+', '(a{2,})+'])('refuses %s, which can backtrack exponentially', (source) => {
    expect(compilePattern(source)).toMatchObject({ ok: false, reason: expect.stringContaining('exponentially') });
  });

  it('refuses invalid and overlong patterns', () => {
    expect(compilePattern('(')).toMatchObject({ ok: false, reason: expect.stringContaining('invalid regular expression') });
    expect(compilePattern('a'.repeat(501))).toMatchObject({ ok: false, reason: expect.stringContaining('longer than 500') });
  });
});
