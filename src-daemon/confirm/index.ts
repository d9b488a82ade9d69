// Native confirmation on the daemon's own screen: asks the person before a capability runs, and never fails open.
import { dialogFor, runDialog } from './dialogs';
import { dialogText, dialogTitle } from './text';
import type { ConfirmAnswer, ConfirmRequest } from './types';

export { needsConfirmation } from './policy';
export type { ConfirmAnswer, ConfirmRequest } from './types';

const DEFAULT_TIMEOUT_S = 60;
const MAX_TIMEOUT_S = 600;

/** Whole seconds in 1..600; anything unreadable becomes the default rather than "wait for ever". */
function sanitizeTimeout(s: number): number {
  if (!Number.isFinite(s)) return DEFAULT_TIMEOUT_S;
  return Math.min(MAX_TIMEOUT_S, Math.max(1, Math.floor(s)));
}

/** Asks the person; only 'yes' means go. Never throws: a dialog that cannot be shown is 'unavailable' or 'no_display'. */
export async function confirm(req: ConfirmRequest, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Promise<ConfirmAnswer> {
  try {
    const timeoutS = sanitizeTimeout(req.timeoutS);
    const plan = dialogFor({ title: dialogTitle(req.capability), text: dialogText({ ...req, timeoutS }), timeoutS }, env, platform);
    if (typeof plan === 'string') return plan;
    return await runDialog(plan);
  } catch {
    return 'unavailable';
  }
}
