// The native approval prompt as pure functions: when to prompt, the notification, the dialog's options, and what an answer means.
import type { MessageBoxOptions, NotificationConstructorOptions } from 'electron';
import type { Approval } from '../../src-shared/contract';

/** What the person chose. `later` takes no decision: the approval stays pending and the main window shows it. */
export type ApprovalChoice = 'approve' | 'deny' | 'later';

export interface ApprovalDialog {
  options: MessageBoxOptions;
  /** The choice behind each button, by index. */
  choices: readonly ApprovalChoice[];
  /** Critical risk: Approve counts only with the confirmation box ticked. */
  requiresConfirmation: boolean;
}

/** Longest input shown in full; a longer one is cut, and a high or critical call can then only be decided in the app. */
export const MAX_INPUT_CHARS = 1500;
const MAX_PREVIEW_CHARS = 400;
const CONFIRMATION_LABEL = 'I have read the exact input above and want this to run';

/** A native prompt only when the person cannot see the app's own approval modal. */
export function approvalPromptPlan(approval: Approval, mainWindowVisible: boolean): { notify: boolean; dialog: boolean } {
  const prompt = approval.status === 'pending' && !mainWindowVisible;
  return { notify: prompt, dialog: prompt };
}

export function approvalNotification(approval: Approval): NotificationConstructorOptions {
  return {
    title: `Jarvis asks to run ${approval.tool}`,
    body: `${approval.risk} risk, asked by ${approval.requested_by}. Click to review; nothing runs until you decide.`,
    urgency: approval.risk === 'high' || approval.risk === 'critical' ? 'critical' : 'normal',
    // The dialog that follows is the prompt; the notification must not vanish before it is seen.
    timeoutType: 'never',
  };
}

function clip(text: string, max: number): { text: string; complete: boolean } {
  if (text.length <= max) return { text, complete: true };
  return { text: `${text.slice(0, max)}… (${text.length - max} more characters)`, complete: false };
}

function json(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The dialog's buttons are always [Deny, Decide in Jarvis, (Approve)]: Approve is never first, because
 * macOS and Windows make the first button the default when none is named. Only low and medium risk name
 * Approve as the default; for high and critical Enter alone never approves. Esc is "decide in Jarvis".
 */
export function approvalDialog(approval: Approval): ApprovalDialog {
  const input = clip(json(approval.input, 2), MAX_INPUT_CHARS);
  const serious = approval.risk === 'high' || approval.risk === 'critical';
  const critical = approval.risk === 'critical';
  // Nobody can knowingly approve what they cannot read in full.
  const mayApproveHere = input.complete || !serious;
  const choices: ApprovalChoice[] = mayApproveHere ? ['deny', 'later', 'approve'] : ['deny', 'later'];
  const buttons = mayApproveHere ? ['Deny', 'Decide in Jarvis', 'Approve'] : ['Deny', 'Decide in Jarvis'];
  const preview = clip(json(approval.preview), MAX_PREVIEW_CHARS).text;
  const detail = [
    `Asked by: ${approval.requested_by}`,
    `Why it asks: ${approval.reasons.length > 0 ? approval.reasons.join('; ') : approval.cell}`,
    '',
    'Exact input:',
    input.text,
    '',
    `Permissions: ${json(approval.permissions)}`,
    `Preview: ${preview}`,
    `Expires: ${approval.expires_at}`,
    `Trace: ${approval.trace_id}`,
    ...(mayApproveHere ? [] : ['', 'The input is too long to show here: open Jarvis to read all of it before deciding.']),
    ...(critical && mayApproveHere ? ['', 'Critical risk: Enter does not approve. Tick the box and click Approve.'] : []),
  ].join('\n');
  const options: MessageBoxOptions = {
    type: serious ? 'warning' : 'question',
    title: 'Jarvis needs your approval',
    message: `Allow ${approval.tool}? (${approval.risk} risk)`,
    detail,
    buttons,
    cancelId: choices.indexOf('later'),
    // Windows shows plain buttons instead of command links, so the labels read the same everywhere.
    noLink: true,
    ...(serious ? {} : { defaultId: choices.indexOf('approve') }),
    ...(critical && mayApproveHere ? { checkboxLabel: CONFIRMATION_LABEL, checkboxChecked: false } : {}),
  };
  return { options, choices, requiresConfirmation: critical && mayApproveHere };
}

/** The decision an answer stands for; an unconfirmed Approve of a critical call decides nothing. */
export function approvalChoiceOf(dialog: ApprovalDialog, answer: { response: number; checkboxChecked: boolean }): ApprovalChoice {
  const choice = dialog.choices[answer.response] ?? 'later';
  if (choice === 'approve' && dialog.requiresConfirmation && !answer.checkboxChecked) return 'later';
  return choice;
}

/** Words for a decision the core refused, usually because someone decided it elsewhere first. */
export function refusedDecisionText(approval: Pick<Approval, 'tool'>, refused: { message: string; status: string | null }): NotificationConstructorOptions {
  return {
    title: refused.status === null ? `Your answer about ${approval.tool} was not taken` : `${approval.tool} was already ${refused.status}`,
    body: refused.status === null ? refused.message : `It was decided elsewhere (now ${refused.status}); your answer changed nothing.`,
  };
}
