// Checks the native approval prompt: when it appears, what it shows, that Enter alone never approves a critical call, and what answers mean.
import { describe, expect, it } from 'vitest';
import { Approval, RISK_LEVELS } from '../../src-shared/contract';
import { approvalChoiceOf, approvalDialog, approvalNotification, approvalPromptPlan, MAX_INPUT_CHARS, refusedDecisionText } from './approval-prompt';

type Risk = (typeof RISK_LEVELS)[number];

function approval(over: Partial<Approval> = {}): Approval {
  // Parsed through the published schema, so the fixture cannot drift from what the core sends.
  return Approval.parse({
    id: 'apr_1',
    trace_id: 'trc_1',
    task_id: 'tsk_1',
    step_id: 's1',
    tool: 'daemon.file_move',
    input: { from: '~/Downloads/a.pdf', to: '~/Documents/a.pdf' },
    risk: 'high',
    reasons: ['moves a file out of Downloads'],
    permissions: { filesystem: { read: ['~/Downloads'], write: ['~/Documents'] } },
    preview: { summary: 'move a.pdf to Documents' },
    requested_by: 'person:owner@ui',
    cell: 'A2×high',
    status: 'pending',
    created_at: '2026-01-01T10:00:00.000Z',
    expires_at: '2026-01-01T10:10:00.000Z',
    decided_by: null,
    decided_at: null,
    grant_id: null,
    ...over,
  });
}

describe('approvalPromptPlan', () => {
  it('prompts natively only for a pending approval while the main window is hidden', () => {
    expect(approvalPromptPlan(approval(), false)).toEqual({ notify: true, dialog: true });
    expect(approvalPromptPlan(approval(), true)).toEqual({ notify: false, dialog: false });
    for (const status of ['approved', 'denied', 'expired', 'consumed'] as const) {
      expect(approvalPromptPlan(approval({ status }), false)).toEqual({ notify: false, dialog: false });
    }
  });
});

describe('approvalNotification', () => {
  it('names the tool, the risk and who asked, and stays until seen', () => {
    const note = approvalNotification(approval({ risk: 'medium' }));
    expect(note.title).toBe('Jarvis asks to run daemon.file_move');
    expect(note.body).toMatch(/^medium risk, asked by person:owner@ui\./);
    expect(note).toMatchObject({ urgency: 'normal', timeoutType: 'never' });
    expect(approvalNotification(approval({ risk: 'critical' })).urgency).toBe('critical');
  });
});

describe('approvalDialog', () => {
  it('has no default button for critical risk, never puts Approve first, and asks for a tick', () => {
    const dialog = approvalDialog(approval({ risk: 'critical' }));
    expect(dialog.options.defaultId).toBeUndefined();
    expect(dialog.options.buttons).toEqual(['Deny', 'Decide in Jarvis', 'Approve']);
    expect(dialog.choices[0]).not.toBe('approve');
    expect(dialog.options).toMatchObject({ type: 'warning', checkboxChecked: false, noLink: true });
    expect(dialog.options.checkboxLabel).toMatch(/read the exact input/);
    expect(dialog.requiresConfirmation).toBe(true);
    expect(dialog.options.detail).toMatch(/Enter does not approve/);
  });

  it.each<[Risk, boolean]>([
    ['low', true],
    ['medium', true],
    ['high', false],
    ['critical', false],
  ])('for %s risk, Enter approves: %s', (risk, enterApproves) => {
    const dialog = approvalDialog(approval({ risk }));
    const byDefault = dialog.options.defaultId === undefined ? undefined : dialog.choices[dialog.options.defaultId];
    expect(byDefault === 'approve').toBe(enterApproves);
    // Where a platform picks the first button by itself, that is Deny.
    expect(dialog.choices[0]).toBe('deny');
  });

  it('makes Esc take no decision', () => {
    for (const risk of RISK_LEVELS) {
      const dialog = approvalDialog(approval({ risk }));
      expect(dialog.choices[dialog.options.cancelId ?? -1]).toBe('later');
    }
  });

  it('shows the exact input, the reasons, permissions, preview, who asked, expiry and trace', () => {
    const { options } = approvalDialog(approval());
    expect(options.message).toBe('Allow daemon.file_move? (high risk)');
    for (const part of ['"from": "~/Downloads/a.pdf"', '"to": "~/Documents/a.pdf"', 'moves a file out of Downloads', '"write":["~/Documents"]', 'move a.pdf to Documents', 'person:owner@ui', '2026-01-01T10:10:00.000Z', 'trc_1']) {
      expect(options.detail).toContain(part);
    }
  });

  it('offers no Approve for a high or critical call whose input is too long to show in full', () => {
    const long = { script: 'x'.repeat(MAX_INPUT_CHARS + 10) };
    for (const risk of ['high', 'critical'] as const) {
      const dialog = approvalDialog(approval({ risk, input: long }));
      expect(dialog.choices).toEqual(['deny', 'later']);
      expect(dialog.options.buttons).toEqual(['Deny', 'Decide in Jarvis']);
      expect(dialog.options.detail).toMatch(/more characters\)/);
      expect(dialog.options.detail).toMatch(/open Jarvis to read all of it/);
      expect(dialog.options.checkboxLabel).toBeUndefined();
    }
    expect(approvalDialog(approval({ risk: 'low', input: long })).choices).toContain('approve');
  });
});

describe('approvalChoiceOf', () => {
  it('reads each button, and an unknown index as no decision', () => {
    const dialog = approvalDialog(approval({ risk: 'medium' }));
    expect(approvalChoiceOf(dialog, { response: 0, checkboxChecked: false })).toBe('deny');
    expect(approvalChoiceOf(dialog, { response: 1, checkboxChecked: false })).toBe('later');
    expect(approvalChoiceOf(dialog, { response: 2, checkboxChecked: false })).toBe('approve');
    expect(approvalChoiceOf(dialog, { response: 7, checkboxChecked: false })).toBe('later');
  });

  it('counts Approve of a critical call only with the box ticked', () => {
    const dialog = approvalDialog(approval({ risk: 'critical' }));
    const approve = dialog.choices.indexOf('approve');
    expect(approvalChoiceOf(dialog, { response: approve, checkboxChecked: false })).toBe('later');
    expect(approvalChoiceOf(dialog, { response: approve, checkboxChecked: true })).toBe('approve');
    // Deny needs no tick.
    expect(approvalChoiceOf(dialog, { response: 0, checkboxChecked: false })).toBe('deny');
  });
});

describe('refusedDecisionText', () => {
  it('says a stale approval was decided elsewhere, with its state now', () => {
    expect(refusedDecisionText(approval(), { message: 'Approval apr_1 is approved.', status: 'approved' })).toEqual({
      title: 'daemon.file_move was already approved',
      body: 'It was decided elsewhere (now approved); your answer changed nothing.',
    });
    expect(refusedDecisionText(approval(), { message: 'A member cannot approve a critical-risk action.', status: null }).body).toBe('A member cannot approve a critical-risk action.');
  });
});
