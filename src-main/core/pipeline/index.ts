// Pipeline surface.
export { Pipeline } from './pipeline';
export type { Ingested, IngestInput, Outcome } from './pipeline';
export { Router } from './router';
export type { RuleStage, LlmStage, PlannedStep, Route } from './router';
export { Responder } from './responder';
export { InvalidEventError, NORMALIZERS } from './normalize';
export { INTENTS, matchIntent, renderTemplate } from './intents';
