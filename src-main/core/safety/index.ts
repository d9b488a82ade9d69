// Safety surface: the policy gate, approvals, grants, controls and tokens behind one service.
export { Safety, ForbiddenError } from './service';
export { ApprovalStateError } from './approvals';
export { ROLE_RANK } from './tokens';
export { requesterOf } from './gate';
