// Whether a capability at a given risk must be confirmed by the person on the daemon's own screen.
import { RISKS, type ConfirmPolicy, type Risk } from '../protocol';

/** 'always' → true, 'never' → false, { min_risk } → risk at or above it; anything unrecognised asks (fail closed). */
export function needsConfirmation(policy: ConfirmPolicy, risk: Risk): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  if (typeof policy !== 'object' || policy === null) return true;
  const at = RISKS.indexOf(risk);
  const min = RISKS.indexOf(policy.min_risk);
  // An unknown risk or threshold (-1) cannot be compared safely, so the person is asked.
  if (at < 0 || min < 0) return true;
  return at >= min;
}
