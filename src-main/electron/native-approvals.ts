// Native notifications and approval dialogs while the main window is hidden; answers go to the core's approval API like any client's.
import { dialog, Notification } from 'electron';
import type { Approval } from '../../src-shared/contract';
import { approvalChoiceOf, approvalDialog, approvalNotification, approvalPromptPlan, refusedDecisionText } from './approval-prompt';
import type { CoreLink } from './core-link';

export interface NativeApprovalsSetup {
  link: Pick<CoreLink, 'approval' | 'decide'>;
  mainWindowVisible(): boolean;
  /** Shows the main window at a renderer route. */
  openMain(route: string): void;
}

export interface NativeApprovals {
  /** A new pending approval. */
  onApproval(approval: Approval): void;
  /** Any change: a prompt for an approval decided elsewhere is closed. */
  onApprovalUpdate(approval: Approval): void;
}

const approvalRoute = (id: string): string => `#/approvals/${encodeURIComponent(id)}`;

function notify(options: ConstructorParameters<typeof Notification>[0], onClick?: () => void): void {
  if (!Notification.isSupported()) return;
  const note = new Notification(options);
  if (onClick) note.on('click', onClick);
  note.show();
}

export function createNativeApprovals(setup: NativeApprovalsSetup): NativeApprovals {
  // One dialog at a time: a burst of approvals becomes a queue, never a pile of windows.
  let queue: Promise<void> = Promise.resolve();
  const open = new Map<string, AbortController>();

  const prompt = async (id: string): Promise<void> => {
    // Decided (or expired) while it waited in the queue: nothing to ask.
    const current = await setup.link.approval(id);
    if (current === null || current.status !== 'pending' || setup.mainWindowVisible()) return;
    const built = approvalDialog(current);
    const abort = new AbortController();
    open.set(id, abort);
    let answer;
    try {
      answer = await dialog.showMessageBox({ ...built.options, signal: abort.signal });
    } finally {
      open.delete(id);
    }
    if (abort.signal.aborted) return;
    const choice = approvalChoiceOf(built, answer);
    if (choice === 'later') return setup.openMain(approvalRoute(id));
    const result = await setup.link.decide(id, choice);
    if (!result.ok) notify(refusedDecisionText(current, result), () => setup.openMain(approvalRoute(id)));
  };

  return {
    onApproval(approval) {
      const plan = approvalPromptPlan(approval, setup.mainWindowVisible());
      if (plan.notify) notify(approvalNotification(approval), () => setup.openMain(approvalRoute(approval.id)));
      if (plan.dialog) {
        queue = queue.then(() => prompt(approval.id)).catch((error: unknown) => console.error(`The approval prompt for ${approval.id} failed:`, error));
      }
    },
    onApprovalUpdate(approval) {
      if (approval.status !== 'pending') open.get(approval.id)?.abort();
    },
  };
}
