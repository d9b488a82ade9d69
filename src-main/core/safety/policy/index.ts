// The policy engine's pure decisions: the gate table, risk classification, grants, rules and rate limits, the anomaly guard.
export { AUTONOMY_LEVELS, DEFAULT_AUTONOMY, GATE_TABLE, RISKS, VERDICT_PERMISSIVENESS, gateCell, parseAutonomy, parseRisk, requireAutonomy, riskRank } from './gate-table';
export type { Autonomy, Risk, Verdict } from './gate-table';
export { PHYSICAL_SAFETY_DOMAINS, classifyRisk, isPhysicalSafetyEntity, maxRisk } from './risk';
export type { RiskInput, RiskResult } from './risk';
export { GRANT_MINUTES, GrantScopeSchema, canonicalJson, describeScope, findGrant, grantCovers, scopeFromCall, validateGrantRequest } from './grants';
export type { Grant, GrantCall, GrantMatcher, GrantRequestOptions, GrantScope, ScopeKind } from './grants';
export { PolicyRulesSchema, RateLimiter, checkRules } from './rules';
export type { PolicyRules, RuleCall, RuleVerdict } from './rules';
export { AnomalyGuard, DEFAULT_ANOMALY_OPTIONS } from './anomaly';
export type { AnomalyFinding, AnomalyOptions } from './anomaly';
export { isPathUnder, normalizePath } from './paths';
export { urlTarget } from './inspect';
export type { UrlTarget } from './inspect';
