// Language-model surface: the port the engine asks, the live service (settings, providers, test), and the pieces tests reach.
export type { LlmDecideRequest, LlmDecision, LlmPort, LlmToolInfo, LlmTurn, LlmTurnCall, ProposedCall } from './port';
export { callsOf } from './port';
export { LlmService, LlmSettingsError, createProvider, memoryLookup } from './service';
export type { LlmServiceDeps } from './service';
export { LlmError, LLM_ERROR_KINDS, TRANSIENT_LLM_ERRORS } from './errors';
export type { LlmErrorKind } from './errors';
export { LLM_PROVIDERS, KEY_ENV, KEY_FILE, readApiKey } from './config';
export type { LlmConfig, LlmProviderKind } from './config';
export { buildContext, callIdOf } from './context';
export type { ContextRecord, MemoryHit, MemoryLookup } from './context';
export { bringsUntrustedContent, guardCall, sendsDataOut } from './injection-guard';
export { PROMPT_VERSION } from './prompts';
