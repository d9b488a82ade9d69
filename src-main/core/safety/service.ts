// The safety service: a person's decisions on approvals (with optional grants), expiry, the kill switch, and anomaly pauses.
import type { AuditLog } from '../audit';
import type { Db } from '../db';
import type { TaskEngine } from '../tasks';
import type { Approval, Role } from '../../../src-shared/contract/safety';
import { ApprovalStateError, ApprovalStore } from './approvals';
import { ControlStore } from './controls';
import { GrantStore } from './grant-store';
import { SafetyGate } from './gate';
import { riskRank, scopeFromCall, validateGrantRequest, type AnomalyFinding } from './policy';
import { ROLE_RANK, TokenStore } from './tokens';
import type { Risk } from '../tools/types';

/** The caller's role does not allow this decision. */
export class ForbiddenError extends Error {}

/** Highest risk each role may approve. Only an owner approves critical actions. */
const APPROVE_CEILING: Record<Role, Risk | null> = { viewer: null, member: 'medium', owner: 'critical' };

export interface SafetyDeps {
  db: Db;
  audit: AuditLog;
  now?: () => number;
  notify(text: string, traceId: string): void;
  burstPerMinute?: number;
  /** Whether the daemon's own dialog will confirm this daemon capability at this risk. */
  daemonConfirms?(cap: string, risk: Risk): boolean;
  onKillSwitch?(on: boolean): void;
  /** Entity ids the person marked critical (kept by the daemon); each call on one needs an approval. */
  criticalEntities?(): ReadonlySet<string>;
}

export class Safety {
  readonly controls: ControlStore;
  readonly approvals: ApprovalStore;
  readonly grants: GrantStore;
  readonly tokens: TokenStore;
  readonly gate: SafetyGate;
  private readonly listeners = new Set<(a: Approval) => void>();
  private engine: TaskEngine | null = null;
  private readonly now: () => number;
  private critical: () => ReadonlySet<string>;

  constructor(private readonly d: SafetyDeps) {
    this.critical = d.criticalEntities ?? (() => new Set<string>());
    this.now = d.now ?? Date.now;
    this.controls = new ControlStore(d.db, d.audit);
    this.approvals = new ApprovalStore(d.db, d.audit, this.now);
    this.grants = new GrantStore(d.db, this.now);
    this.tokens = new TokenStore(d.db, d.audit);
    this.gate = new SafetyGate({
      db: d.db,
      audit: d.audit,
      controls: this.controls,
      approvals: this.approvals,
      grants: this.grants,
      now: this.now,
      criticalEntities: () => this.critical(),
      onApprovalCreated: (a) => this.emit(a),
      onAnomaly: (f) => this.anomaly(f),
      ...(d.burstPerMinute ? { burstPerMinute: d.burstPerMinute } : {}),
      ...(d.daemonConfirms ? { daemonConfirms: d.daemonConfirms } : {}),
    });
  }

  /** Where the critical marks come from once the home link is up (the daemon holds them). */
  setCriticalEntities(source: () => ReadonlySet<string>): void {
    this.critical = source;
  }

  attach(engine: TaskEngine): void {
    this.engine = engine;
  }

  onApproval(listener: (a: Approval) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(a: Approval): void {
    for (const l of this.listeners) l(a);
  }

  private pending(id: string): Approval {
    this.expireDue();
    const a = this.approvals.get(id);
    if (!a) throw new ApprovalStateError(id, 'unknown', `No approval "${id}".`);
    if (a.status !== 'pending') throw new ApprovalStateError(a.id, a.status, `Approval ${a.id} is ${a.status}; it can no longer be decided.`);
    if (this.controls.killSwitch().on) throw new ApprovalStateError(a.id, 'frozen', 'The kill switch is on: approvals are frozen until it is turned off.');
    return a;
  }

  approve(id: string, by: { actor: string; role: Role }, grant?: { kind: 'same_arguments' | 'same_host' | 'same_entity'; minutes: number }): Approval {
    const a = this.pending(id);
    const ceiling = APPROVE_CEILING[by.role];
    if (ceiling === null || riskRank(a.risk) > riskRank(ceiling)) {
      throw new ForbiddenError(`A ${by.role} cannot approve a ${a.risk}-risk action${a.risk === 'critical' ? '; only an owner approves critical actions' : ''}.`);
    }
    let scope = null;
    if (grant) {
      scope = scopeFromCall(a.tool, a.input, grant.kind);
      const check = validateGrantRequest(scope, a.risk, grant.minutes);
      if (!check.ok) throw new ApprovalStateError(a.id, a.status, `No grant: ${check.reason}`);
    }
    this.d.audit.transaction(() => {
      const created = scope && grant ? this.grants.create(scope, a.risk, grant.minutes, by.actor, a.id) : null;
      this.approvals.setStatus(a.id, 'approved', by.actor, created?.id ?? null);
      this.approvals.audited('gate.approved', a, by.actor, { grant_id: created?.id ?? null });
      if (created) this.d.audit.append({ type: 'grant.created', actor: by.actor, subject: created.id, traceId: a.trace_id, payload: { grant_id: created.id, scope: created.scope, expires_at: created.expires_at, approval_id: a.id } });
      if (a.task_id && a.step_id) this.engine?.approvalDecided(a.task_id, a.step_id, a.id, true, null);
    });
    this.engine?.kick();
    const after = this.approvals.get(a.id) ?? a;
    this.emit(after);
    return after;
  }

  deny(id: string, by: { actor: string; role: Role }): Approval {
    const a = this.pending(id);
    if (ROLE_RANK[by.role] < ROLE_RANK.member) throw new ForbiddenError(`A ${by.role} cannot decide approvals.`);
    this.d.audit.transaction(() => {
      this.approvals.setStatus(a.id, 'denied', by.actor);
      this.approvals.audited('gate.rejected', a, by.actor);
      if (a.task_id && a.step_id) this.engine?.approvalDecided(a.task_id, a.step_id, a.id, false, `denied by ${by.actor}`);
    });
    this.engine?.kick();
    const after = this.approvals.get(a.id) ?? a;
    this.emit(after);
    return after;
  }

  /** Marks overdue approvals expired (their steps fail). Frozen while the kill switch is on. */
  expireDue(): number {
    if (this.controls.killSwitch().on) return 0;
    const due = this.approvals.due();
    for (const a of due) {
      this.d.audit.transaction(() => {
        this.approvals.setStatus(a.id, 'expired', 'system');
        this.approvals.audited('approval.expired', a, 'system');
        if (a.task_id && a.step_id) this.engine?.approvalDecided(a.task_id, a.step_id, a.id, false, 'the approval expired before anyone decided');
      });
      this.emit({ ...a, status: 'expired' });
    }
    if (due.length) this.engine?.kick();
    return due.length;
  }

  setKillSwitch(on: boolean, by: string): void {
    this.controls.setKillSwitch(on, by);
    if (on) this.engine?.haltAll();
    else this.engine?.releaseHalted();
    this.d.onKillSwitch?.(on);
  }

  revokeGrant(id: string, by: string): boolean {
    const g = this.grants.get(id);
    if (!g) return false;
    const done = this.d.audit.transaction(() => {
      const ok = this.grants.revoke(id, by);
      if (ok) this.d.audit.append({ type: 'grant.revoked', actor: by, subject: id, payload: { grant_id: id } });
      return ok;
    });
    return done;
  }

  private anomaly(f: AnomalyFinding): void {
    const text =
      f.kind === 'burst'
        ? `Paused ${f.source}: ${f.rate_per_minute} ${f.tool} calls in a minute, far above its usual ${f.usual_per_minute.toFixed(1)}.`
        : `Paused ${f.source}: ${f.denials} refused calls within ${Math.round(f.window_ms / 1000)} s.`;
    this.d.audit.append({ type: 'safety.anomaly', actor: 'anomaly_guard', subject: f.source, payload: { ...f } });
    this.controls.setSourcePaused(f.source, true, 'anomaly_guard', text);
    this.engine?.haltSource(f.source);
    this.d.notify(text, f.source);
  }
}
