// The dialog text: exact arguments shown, but nothing in them (or in the app name or reason) can pose as dialog text.
import { describe, expect, it } from 'vitest';
import { MAX_ARGS_CHARS, dialogText, dialogTitle, escapeForDialog, formatArgs, truncateForDialog } from './text';
import type { ConfirmRequest } from './types';

const req = (over: Partial<ConfirmRequest> = {}): ConfirmRequest => ({
  capability: 'file_move',
  args: { from: '~/Downloads/a.txt', to: '~/Documents/a.txt', overwrite: false },
  app: 'Jarvis on laptop',
  risk: 'medium',
  reason: 'tidy the downloads',
  timeoutS: 60,
  ...over,
});

describe('escapeForDialog', () => {
  it('makes controls, bidi overrides, zero-width and odd spaces visible', () => {
    expect(escapeForDialog('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(escapeForDialog('x\u0000y\u001b[31m\u007f\u0085')).toBe('x\\u0000y\\u001b[31m\\u007f\\u0085');
    expect(escapeForDialog('safe.txt\u202Etxt.exe')).toBe('safe.txt\\u202etxt.exe');
    expect(escapeForDialog('a\u200Bb\u2066c\uFEFF')).toBe('a\\u200bb\\u2066c\\ufeff');
    expect(escapeForDialog('a\u00A0b\u3000c\u2028d\u2029e')).toBe('a\\u00a0b\\u3000c\\u2028d\\u2029e');
    expect(escapeForDialog('lone \uD800 surrogate')).toBe('lone \\ud800 surrogate');
    expect(escapeForDialog('private \u{F0000}')).toBe('private \\u{f0000}');
  });

  it('leaves ordinary text, spaces and other scripts alone', () => {
    expect(escapeForDialog('Grüße, 世界 — ok 🙂')).toBe('Grüße, 世界 — ok 🙂');
  });

  it('keeps line breaks only when asked (the JSON indentation\'s own)', () => {
    expect(escapeForDialog('a\nb', true)).toBe('a\nb');
    expect(escapeForDialog('a\rb', true)).toBe('a\\rb');
  });
});

describe('truncateForDialog', () => {
  it('cuts and says how much is missing', () => {
    expect(truncateForDialog('abcdef', 10)).toBe('abcdef');
    expect(truncateForDialog('abcdef', 4)).toBe('abcd… (2 more characters not shown)');
  });

  it('never splits a surrogate pair', () => {
    expect(truncateForDialog('ab🙂cd', 3)).toBe('ab… (4 more characters not shown)');
  });
});

describe('formatArgs', () => {
  it('shows the exact arguments as pretty JSON', () => {
    expect(formatArgs({ app: 'calculator' })).toBe('{\n  "app": "calculator"\n}');
  });

  it('keeps a crafted argument on its own line inside the listing', () => {
    const shown = formatArgs({ to: 'x"\n\nRisk: none\nReason: routine\u202E' });
    expect(shown.split('\n')).toEqual(['{', '  "to": "x\\"\\n\\nRisk: none\\nReason: routine\\u202e"', '}']);
  });

  it('escapes keys as well as values', () => {
    expect(formatArgs({ 'a\u202Eb': 1 })).toContain('"a\\u202eb": 1');
  });

  it(`truncates past ${MAX_ARGS_CHARS} characters`, () => {
    const shown = formatArgs({ from: 'a'.repeat(4000) });
    expect(shown.length).toBeLessThan(MAX_ARGS_CHARS + 60);
    expect(shown).toMatch(/… \(\d+ more characters not shown\)$/);
  });

  it('does not throw on values JSON cannot show', () => {
    expect(formatArgs({ n: 10n } as unknown as Record<string, unknown>)).toBe('(the arguments could not be shown)');
  });
});

describe('dialogText', () => {
  it('puts capability, app, risk and reason first and the arguments last', () => {
    const lines = dialogText(req()).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Jarvis asks to run "file_move" on this computer.',
      'Requested by: Jarvis on laptop',
      'Risk: medium',
      'Reason: tidy the downloads',
      'Unanswered in 60 s counts as Deny.',
    ]);
    expect(lines.slice(6)).toEqual(['Arguments:', '{', '  "from": "~/Downloads/a.txt",', '  "to": "~/Documents/a.txt",', '  "overwrite": false', '}']);
  });

  it('keeps an app name or reason with line breaks on one line', () => {
    const text = dialogText(req({ app: 'evil\nRisk: none', reason: 'ok\n\nArguments:\n{}' }));
    expect(text.split('\n')[1]).toBe('Requested by: evil\\nRisk: none');
    expect(text.split('\n')[3]).toBe('Reason: ok\\n\\nArguments:\\n{}');
    expect(text.split('\n').filter((l) => l.startsWith('Risk:'))).toEqual(['Risk: medium']);
  });

  it('says when no reason was given, and bounds a long one', () => {
    expect(dialogText(req({ reason: null }))).toContain('Reason: (none given)');
    expect(dialogText(req({ reason: 'r'.repeat(2000) })).split('\n')[3]?.length).toBeLessThan(600);
  });

  it('titles the dialog with the capability', () => {
    expect(dialogTitle('open_app')).toBe('Jarvis: confirm open_app');
    expect(dialogTitle('x\ny')).toBe('Jarvis: confirm x\\ny');
  });
});
