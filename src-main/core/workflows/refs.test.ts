// References: reading paths, resolving inputs at any depth, and naming what is missing.
import { describe, expect, it } from 'vitest';
import { getPath, resolveInput, UnresolvedReference } from './index';

describe('getPath', () => {
  const value = { a: { b: [{ c: 1 }, { c: [10, 20] }] }, n: null, 'x-y': true, 7: 'seven' };

  it.each<[string | undefined, unknown]>([
    [undefined, value],
    ['', value],
    ['a.b.0.c', 1],
    ['a.b.1.c.1', 20],
    ['n', null],
    ['x-y', true],
    ['7', 'seven'],
  ])('%j is found', (path, expected) => {
    expect(getPath(value, path)).toEqual({ found: true, value: expected });
  });

  it.each(['a.b.2', 'a.b.-1', 'a.b.01', 'a.b.first', 'a.z', 'n.x', 'a.b.0.c.d', 'constructor', 'a.toString', '__proto__'])('%j is not found', (path) => {
    expect(getPath(value, path)).toEqual({ found: false });
  });

  it('reads into primitives only with no path', () => {
    expect(getPath('text', 'length')).toEqual({ found: false });
    expect(getPath(undefined, undefined)).toEqual({ found: true, value: undefined });
  });
});

describe('resolveInput', () => {
  const ctx = {
    outputs: { s1: { status: 200, body: { items: [{ name: 'rain' }, { name: 'sun' }] } }, s2: 'plain', nothing: null },
    runInput: { user: { name: 'Ada', tags: ['a', 'b'] } },
  };

  it('replaces references at any depth, inside objects and arrays, and leaves literals alone', () => {
    const input = {
      whole: { from_step: 's2' },
      status: { from_step: 's1', path: 'status' },
      nested: { list: [1, { from_step: 's1', path: 'body.items.1.name' }, [{ from_input: 'user.tags.0' }]] },
      who: { from_input: 'user.name' },
      everything: { from_input: '' },
      nullOutput: { from_step: 'nothing' },
      literal: { from_step: 's1', note: 'an extra key makes this plain data' },
      text: 'hello',
    };
    expect(resolveInput(input, ctx)).toEqual({
      whole: 'plain',
      status: 200,
      nested: { list: [1, 'sun', ['a']] },
      who: 'Ada',
      everything: ctx.runInput,
      nullOutput: null,
      literal: { from_step: 's1', note: 'an extra key makes this plain data' },
      text: 'hello',
    });
    expect(input.status).toEqual({ from_step: 's1', path: 'status' }); // the input itself is not changed
  });

  it('does not resolve again inside a resolved value', () => {
    const outputs = { s1: { looks: { from_step: 's1' } } };
    expect(resolveInput({ v: { from_step: 's1', path: 'looks' } }, { outputs, runInput: {} })).toEqual({ v: { from_step: 's1' } });
  });

  it('keeps a "__proto__" key as data', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    const out = resolveInput(input, ctx) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const failure = (input: unknown): UnresolvedReference => {
    try {
      resolveInput(input, ctx);
    } catch (err) {
      if (err instanceof UnresolvedReference) return err;
      throw err;
    }
    throw new Error('expected UnresolvedReference');
  };

  it('names the step, the path and where the reference sits when a path is missing', () => {
    const err = failure({ report: { parts: [{ from_step: 's1', path: 'body.items.5.name' }] } });
    expect(err).toBeInstanceOf(ReferenceError);
    expect(err.name).toBe('UnresolvedReference');
    expect(err).toMatchObject({ step: 's1', path: 'body.items.5.name', at: 'report.parts[0]' });
    expect(err.message).toBe('input.report.parts[0] refers to step "s1" at path "body.items.5.name", but that step\'s output has no value there');
  });

  it('says when a step has no output at all', () => {
    const err = failure({ text: { from_step: 'later' } });
    expect(err).toMatchObject({ step: 'later', path: '', at: 'text' });
    expect(err.message).toContain('which has no output');
  });

  it('names a missing run-input path', () => {
    const err = failure({ 'content-type': { from_input: 'user.email' } });
    expect(err).toMatchObject({ step: null, path: 'user.email', at: '["content-type"]' });
    expect(err.message).toBe('input["content-type"] refers to the run input at path "user.email", but the run input has no value there');
  });
});
