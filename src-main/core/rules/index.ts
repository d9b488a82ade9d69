// Rules surface.
export { RulesEngine, MAX_TRACE_DEPTH, keyOf } from './engine';
export type { RulesDeps } from './engine';
export { RuleNotFoundError, RuleInputError } from './store';
export { inWindow, localTime } from './conditions';
export { rulesTools } from './tools';
