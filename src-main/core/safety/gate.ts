// The policy gate every tool call passes: kill switch, paused sources, rules and rate limits, the person's approvals and grants, autonomy × risk.
import os from 'node:os';
import path from 'node:path';
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { Gate, GateDecision, GateRequest } from '../tools/gate';
import type { ApprovalStore } from './approvals';
import type { ControlStore } from './controls';
import type { GrantStore } from './grant-store';
import { AnomalyGuard, checkRules, classifyRisk, findGrant, gateCell, RateLimiter, riskRank, type AnomalyFinding, type Risk } from './policy';
import type { Approval } from '../../../src-shared/contract/safety';
import { guardCall } from '../llm/injection-guard';

/** Who asked, in the words approvals show: a person, a schedule, a rule or the language model. */
export function requesterOf(actor: string): string {
  if (actor.startsWith('mcp:')) return 'mcp client';
  if (actor.startsWith('schedule')) return 'schedule';
  if (actor.startsWith('rule')) return 'rule';
  if (actor === 'llm') return 'llm';
  return 'person';
}

export interface SafetyGateDeps {
  db: Db;
  audit: AuditLog;
  controls: ControlStore;
  approvals: ApprovalStore;
  grants: GrantStore;
  now: () => number;
  criticalEntities: () => ReadonlySet<string>;
  onApprovalCreated(approval: Approval): void;
  onAnomaly(finding: AnomalyFinding): void;
  homeDir?: string;
  burstPerMinute?: number;
  daemonConfirms?(cap: string, risk: Risk): boolean;
}

export class SafetyGate implements Gate {
  private readonly anomaly: AnomalyGuard;
  private limiter: RateLimiter;
  private limiterRules: unknown;
  private readonly home: string;

  constructor(private readonly d: SafetyGateDeps) {
    this.home = d.homeDir ?? os.homedir();
    this.anomaly = new AnomalyGuard(d.burstPerMinute ? { minBurstPerMinute: d.burstPerMinute } : {});
    this.limiterRules = d.controls.policy().rate_limits;
    this.limiter = new RateLimiter(d.controls.policy().rate_limits);
  }

  private rateLimiter(): RateLimiter {
    const rules = this.d.controls.policy().rate_limits;
    if (rules !== this.limiterRules) {
      this.limiterRules = rules;
      this.limiter = new RateLimiter(rules);
    }
    return this.limiter;
  }

  private hosts: Set<string> | null = null;

  /** Hosts http_request has reached; read once, then kept in step with observe(). */
  private knownHosts(): Set<string> {
    this.hosts ??= new Set((stmt(this.d.db, 'SELECT host FROM known_hosts').all() as { host: string }[]).map((r) => r.host));
    return this.hosts;
  }

  evaluate(req: GateRequest, mode: 'plan' | 'run' = 'run'): GateDecision {
    const run = mode === 'run';
    const now = this.d.now();
    const { tool, input } = req;
    const { risk, reasons } = classifyRisk({
      tool: tool.name,
      baseRisk: tool.risk,
      input,
      knownHosts: this.knownHosts(),
      criticalEntities: this.d.criticalEntities(),
      downloadsDir: path.join(this.home, 'Downloads'),
      homeDir: this.home,
    });
    const base = { traceId: req.traceId, actor: 'gate', subject: tool.name };
    const deny = (reason: string, cell: string, type: 'gate.denied' | 'safety.blocked', extra: Record<string, unknown> = {}): GateDecision => {
      if (run) {
        this.d.audit.append({ ...base, type, payload: { tool: tool.name, risk, reason, cell, actor: req.actor, task_id: req.taskId, step_id: req.stepId ?? null, ...extra } });
        const finding = this.anomaly.recordDenial(req.actor, now);
        if (finding) this.d.onAnomaly(finding);
      }
      return { decision: 'deny', reason, cell, risk };
    };

    if (this.d.controls.killSwitch().on) return deny('the kill switch is on', 'kill_switch', 'gate.denied');
    if (this.d.controls.pausedSources().includes(req.actor)) return deny(`calls from ${req.actor} are paused after unusual activity`, 'paused_source', 'gate.denied');
    const rules = checkRules(this.d.controls.policy(), { tool: tool.name, input, homeDir: this.home });
    if (rules.blocked) return deny(rules.message, `rule:${rules.rule}`, 'safety.blocked', { rule: rules.rule });
    const limited = this.rateLimiter().check(tool.name, now);
    if (limited.blocked) return deny(limited.message, `rule:${limited.rule}`, 'safety.blocked', { rule: limited.rule });

    const allow = (reason: string, cell: string): GateDecision => {
      if (run) {
        this.rateLimiter().record(tool.name, now);
        const finding = this.anomaly.recordCall(req.actor, tool.name, now);
        if (finding) this.d.onAnomaly(finding);
      }
      return { decision: 'allow', reason, cell, risk };
    };

    if (req.approvalId && this.d.approvals.usable(req.approvalId, tool.name, input)) {
      if (run) this.d.approvals.setStatus(req.approvalId, 'consumed', null);
      return allow('a person approved this call', `approval:${req.approvalId}`);
    }

    const ask = (cell: string, why: string[]): GateDecision => {
      if (!run) return { decision: 'require_approval', reason: `${cell} needs a person's approval`, cell, risk };
      const approval = this.d.approvals.create({
        traceId: req.traceId,
        taskId: req.taskId,
        stepId: req.stepId ?? null,
        tool: tool.name,
        input,
        risk,
        reasons: why,
        permissions: tool.permissions,
        preview: tool.preview?.(input) ?? { tool: tool.name, input },
        requestedBy: requesterOf(req.actor),
        cell,
      });
      this.d.approvals.audited('gate.required', approval, 'gate', { cell, reasons: why, requested_by: approval.requested_by, expires_at: approval.expires_at });
      this.d.onApprovalCreated(approval);
      return { decision: 'require_approval', reason: `${cell} needs a person's approval`, cell, risk, approvalId: approval.id };
    };

    // The injection guard: once untrusted content is in the conversation, a call that sends data out or is high
    // risk waits for a person at every autonomy level, and no standing grant covers it (A0 still refuses below).
    const guard = req.untrustedSources?.length ? guardCall(tool, req.untrustedSources, risk) : null;
    if (guard?.needsApproval && this.d.controls.autonomy() !== 'A0') return ask('injection_guard', [...reasons, guard.reason ?? 'untrusted content']);

    const { verdict, cell } = gateCell(this.d.controls.autonomy(), risk);
    switch (verdict) {
      case 'allow':
        return allow(`${cell} runs without approval`, cell);
      case 'deny':
        return deny(`${cell}: autonomy ${this.d.controls.autonomy()} lets nothing run`, cell, 'gate.denied');
      case 'require_approval': {
        const grant = findGrant(this.d.grants.active(), { tool: tool.name, input, risk, now });
        if (grant) return allow(`covered by grant ${grant.id}`, `grant:${grant.id}`);
        // Asking twice for one action annoys people: below high risk, the daemon's own dialog may stand as
        // the approval. High and critical need both the app's approval and the daemon's dialog.
        const cap = tool.name.startsWith('daemon.') ? tool.name.slice('daemon.'.length) : null;
        if (cap && riskRank(risk) < riskRank('high') && this.d.daemonConfirms?.(cap, risk)) {
          if (run) this.d.audit.append({ ...base, type: 'gate.delegated_to_daemon', payload: { tool: tool.name, risk, cell, actor: req.actor, task_id: req.taskId, step_id: req.stepId ?? null } });
          return allow(`${cell}: the daemon's own dialog asks the person`, 'daemon_dialog');
        }
        return ask(cell, reasons);
      }
      default: {
        const never: never = verdict;
        return deny(`unknown verdict ${String(never)}`, cell, 'gate.denied');
      }
    }
  }

  observe(req: GateRequest, outcome: 'succeeded' | 'failed'): void {
    if (outcome !== 'succeeded' || req.tool.name !== 'http_request') return;
    const url = (req.input as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !URL.canParse(url)) return;
    const host = new URL(url).host.toLowerCase();
    stmt(this.d.db, 'INSERT OR IGNORE INTO known_hosts (host, first_seen) VALUES (?, ?)').run(host, new Date(this.d.now()).toISOString());
    this.knownHosts().add(host);
  }
}
