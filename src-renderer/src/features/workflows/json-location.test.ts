// The JSON locator agrees with JSON.parse on what is valid, and points at the first mistake with a reason a person can act on.
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from './json-location';

describe('jsonSyntaxError', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {"c": {}}} ',
    '"text"',
    '0',
  ])('accepts valid JSON: %s', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonSyntaxError(text)).toBeNull();
  });

  it.each([
    ['{\n  "name": "x",\n  "steps": [}\n}', 3, 13, /unexpected "}"; expected a value/],
    ['{"a": 1,}', 1, 9, /trailing comma/],
    ['{"a" 1}', 1, 6, /expected ":"/],
    ['{a: 1}', 1, 2, /field name in double quotes/],
    ['{"a": "b}', 1, 7, /never closed/],
    ['{"a": 1', 1, 8, /ends too early/],
    ['{"a": 01}', 1, 8, /expected "," or "}"/],
    ['{} x', 1, 4, /after the end/],
    ['', 1, 1, /ends too early/],
    ["{'a': 1}", 1, 2, /field name in double quotes/],
    ['[1 2]', 1, 4, /expected "," or "]"/],
    ['{"a": "\\x"}', 1, 8, /unknown escape/],
  ])('finds the mistake in %j', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonSyntaxError(text)).toEqual({ line, column, message: expect.stringMatching(reason) });
  });
});
