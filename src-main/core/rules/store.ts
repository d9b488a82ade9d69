// Stored rules: validated, compiled and gate-checked on every write; quiet hours in their own table; the per-rule log.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import { newId } from '../util/ids';
import { compileConditions, compileMatch, RuleInputError, type Predicate } from './conditions';
import type { QuietHours, RuleLogEntry} from '../../../src-shared/contract/rules';
import { RuleAction, RuleTrigger, Condition, type RuleCreate, type RulePatch, type RuleView } from '../../../src-shared/contract/rules';
import { z } from 'zod';

export interface RuleRow {
  id: string;
  name: string;
  enabled: number;
  trigger: string;
  conditions: string;
  actions: string;
  debounce_ms: number;
  dedupe_ms: number;
  cooldown_ms: number;
  quiet_hours_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** A rule ready to evaluate: parsed once, its conditions and pattern compiled. */
export interface CompiledRule {
  id: string;
  name: string;
  enabled: boolean;
  trigger: RuleTrigger;
  match: ((key: string) => boolean) | null;
  predicate: Predicate;
  actions: RuleAction[];
  debounceMs: number;
  dedupeMs: number;
  cooldownMs: number;
  quietHours: QuietHours | null;
}

export class RuleNotFoundError extends Error {}

/** Checks an action against the registry and the gate; throws RuleInputError (400 bad, 403 refused by policy). */
export type ActionCheck = (action: RuleAction, field: string) => void;

const RULE_COLUMNS = 'id, name, enabled, trigger, conditions, actions, debounce_ms, dedupe_ms, cooldown_ms, quiet_hours_id, created_by, created_at, updated_at';

export class RuleStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  rows(): RuleRow[] {
    return stmt(this.db, `SELECT ${RULE_COLUMNS} FROM rules ORDER BY created_at, id`).all() as RuleRow[];
  }

  row(id: string): RuleRow | undefined {
    return stmt(this.db, `SELECT ${RULE_COLUMNS} FROM rules WHERE id = ?`).get(id) as RuleRow | undefined;
  }

  find(ref: string): RuleRow | undefined {
    const exact = this.row(ref);
    if (exact) return exact;
    const prefix = stmt(this.db, `SELECT ${RULE_COLUMNS} FROM rules WHERE id LIKE ? || '%' LIMIT 2`).all(ref) as RuleRow[];
    if (prefix.length === 1) return prefix[0];
    return stmt(this.db, `SELECT ${RULE_COLUMNS} FROM rules WHERE lower(name) = lower(?) ORDER BY created_at DESC LIMIT 1`).get(ref.trim()) as RuleRow | undefined;
  }

  quietHours(id: string | null): QuietHours | null {
    if (id === null) return null;
    const q = stmt(this.db, 'SELECT start_time, end_time, timezone, days, policy FROM quiet_hours WHERE id = ?').get(id) as { start_time: string; end_time: string; timezone: string; days: string; policy: 'suppress' | 'defer' } | undefined;
    return q ? { start: q.start_time, end: q.end_time, timezone: q.timezone, days: JSON.parse(q.days) as number[], policy: q.policy } : null;
  }

  compile(r: RuleRow): CompiledRule {
    const trigger = RuleTrigger.parse(JSON.parse(r.trigger));
    const conditions = z.array(Condition).parse(JSON.parse(r.conditions));
    return {
      id: r.id,
      name: r.name,
      enabled: r.enabled === 1,
      trigger,
      match: compileMatch(trigger.channel, trigger.match),
      predicate: compileConditions(conditions),
      actions: z.array(RuleAction).parse(JSON.parse(r.actions)),
      debounceMs: r.debounce_ms,
      dedupeMs: r.dedupe_ms,
      cooldownMs: r.cooldown_ms,
      quietHours: this.quietHours(r.quiet_hours_id),
    };
  }

  view(r: RuleRow): RuleView {
    const recent = (stmt(this.db, 'SELECT at, outcome, reason, event_id, trace_id FROM rule_log WHERE rule_id = ? ORDER BY id DESC LIMIT 20').all(r.id) as RuleLogEntry[]);
    return {
      id: r.id,
      name: r.name,
      enabled: r.enabled === 1,
      trigger: RuleTrigger.parse(JSON.parse(r.trigger)),
      conditions: z.array(Condition).parse(JSON.parse(r.conditions)),
      actions: z.array(RuleAction).parse(JSON.parse(r.actions)),
      debounce_ms: r.debounce_ms,
      dedupe_ms: r.dedupe_ms,
      cooldown_ms: r.cooldown_ms,
      quiet_hours: this.quietHours(r.quiet_hours_id),
      created_by: r.created_by,
      created_at: r.created_at,
      updated_at: r.updated_at,
      recent,
    };
  }

  /** Validates everything that could fail at fire time now: patterns, conditions, and each action against the gate. */
  private check(input: Pick<RuleCreate, 'trigger' | 'conditions' | 'actions'>, checkAction: ActionCheck): void {
    compileMatch(input.trigger.channel, input.trigger.match);
    compileConditions(input.conditions);
    input.actions.forEach((a, i) => checkAction(a, `actions.${i}`));
  }

  private writeQuietHours(q: QuietHours | null, previous: string | null): string | null {
    if (previous !== null) stmt(this.db, 'DELETE FROM quiet_hours WHERE id = ?').run(previous);
    if (q === null) return null;
    const id = newId();
    stmt(this.db, 'INSERT INTO quiet_hours (id, name, start_time, end_time, timezone, days, policy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(id, `${q.start}-${q.end}`, q.start, q.end, q.timezone, JSON.stringify(q.days), q.policy, new Date(this.now()).toISOString());
    return id;
  }

  create(input: RuleCreate, actor: string, checkAction: ActionCheck): RuleRow {
    this.check(input, checkAction);
    const id = newId();
    const at = new Date(this.now()).toISOString();
    this.audit.transaction(() => {
      const qh = this.writeQuietHours(input.quiet_hours, null);
      stmt(this.db, `INSERT INTO rules (${RULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        id, input.name, input.enabled ? 1 : 0, JSON.stringify(input.trigger), JSON.stringify(input.conditions), JSON.stringify(input.actions), input.debounce_ms, input.dedupe_ms, input.cooldown_ms, qh, actor, at, at,
      );
      this.audit.append({ type: 'rule.created', actor, subject: id, payload: { rule_id: id, name: input.name, enabled: input.enabled, trigger: input.trigger, actions: input.actions.map((a) => (a.type === 'tool' ? `tool:${a.tool}` : a.type)), quiet_hours: input.quiet_hours?.policy ?? null } });
    });
    return this.row(id) as RuleRow;
  }

  update(id: string, patch: RulePatch, actor: string, checkAction: ActionCheck): RuleRow {
    return this.audit.transaction(() => {
      const row = this.row(id);
      if (!row) throw new RuleNotFoundError(`No rule "${id}".`);
      const current = this.view(row);
      const next = { trigger: patch.trigger ?? current.trigger, conditions: patch.conditions ?? current.conditions, actions: patch.actions ?? current.actions };
      // Enabling re-checks the actions too: the policy may have tightened since the rule was made.
      if (patch.trigger || patch.conditions || patch.actions || patch.enabled === true) this.check(next, checkAction);
      const qh = patch.quiet_hours === undefined ? row.quiet_hours_id : this.writeQuietHours(patch.quiet_hours, row.quiet_hours_id);
      stmt(this.db, 'UPDATE rules SET name = ?, enabled = ?, trigger = ?, conditions = ?, actions = ?, debounce_ms = ?, dedupe_ms = ?, cooldown_ms = ?, quiet_hours_id = ?, updated_at = ? WHERE id = ?').run(
        patch.name ?? row.name, patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0, JSON.stringify(next.trigger), JSON.stringify(next.conditions), JSON.stringify(next.actions),
        patch.debounce_ms ?? row.debounce_ms, patch.dedupe_ms ?? row.dedupe_ms, patch.cooldown_ms ?? row.cooldown_ms, qh, new Date(this.now()).toISOString(), id,
      );
      const type = patch.enabled === true && row.enabled === 0 ? 'rule.enabled' : patch.enabled === false && row.enabled === 1 ? 'rule.disabled' : 'rule.updated';
      this.audit.append({ type, actor, subject: id, payload: { rule_id: id, changed: Object.keys(patch) } });
      return this.row(id) as RuleRow;
    });
  }

  delete(id: string, actor: string): boolean {
    return this.audit.transaction(() => {
      const row = this.row(id);
      if (!row) return false;
      stmt(this.db, 'DELETE FROM rules WHERE id = ?').run(id);
      if (row.quiet_hours_id) stmt(this.db, 'DELETE FROM quiet_hours WHERE id = ?').run(row.quiet_hours_id);
      this.audit.append({ type: 'rule.deleted', actor, subject: id, payload: { rule_id: id, name: row.name } });
      return true;
    });
  }

  log(ruleId: string, outcome: RuleLogEntry['outcome'], reason: string | null, eventId: string | null, traceId: string | null): void {
    stmt(this.db, 'INSERT INTO rule_log (rule_id, at, outcome, reason, event_id, trace_id) VALUES (?, ?, ?, ?, ?, ?)').run(ruleId, new Date(this.now()).toISOString(), outcome, reason, eventId, traceId);
  }
}

export { RuleInputError };
