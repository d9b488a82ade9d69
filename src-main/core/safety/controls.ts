// Persisted controls: the autonomy level with its history, the kill switch, policy rules, and sources the anomaly guard paused.
import type { AuditLog } from '../audit';
import { stmt, type Db } from '../db';
import type { Controls } from '../../../src-shared/contract/safety';
import { PolicyRulesSchema, requireAutonomy, type Autonomy, type PolicyRules } from './policy';

export const DEFAULT_AUTONOMY: Autonomy = 'A2';

interface KillSwitch {
  on: boolean;
  since: string | null;
  by: string | null;
}

export class ControlStore {
  private killCache: KillSwitch | null = null;
  private autonomyCache: Autonomy | null = null;
  private policyCache: PolicyRules | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  private read<T>(key: string): T | undefined {
    const row = stmt(this.db, 'SELECT value FROM controls WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  private write(key: string, value: unknown, by: string): void {
    stmt(this.db, 'INSERT INTO controls (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at').run(
      key,
      JSON.stringify(value),
      by,
      new Date().toISOString(),
    );
  }

  autonomy(): Autonomy {
    if (this.autonomyCache) return this.autonomyCache;
    const row = stmt(this.db, 'SELECT level FROM autonomy_history ORDER BY id DESC LIMIT 1').get() as { level: string } | undefined;
    this.autonomyCache = row ? requireAutonomy(row.level) : DEFAULT_AUTONOMY;
    return this.autonomyCache;
  }

  setAutonomy(level: Autonomy, by: string, reason?: string): void {
    const previous = this.autonomy();
    this.audit.transaction(() => {
      stmt(this.db, 'INSERT INTO autonomy_history (level, set_by, set_at, reason) VALUES (?, ?, ?, ?)').run(level, by, new Date().toISOString(), reason ?? null);
      this.audit.append({ type: 'safety.autonomy_changed', actor: by, subject: level, payload: { from: previous, to: level, reason: reason ?? null } });
    });
    this.autonomyCache = level;
  }

  killSwitch(): KillSwitch {
    this.killCache ??= this.read<KillSwitch>('kill_switch') ?? { on: false, since: null, by: null };
    return this.killCache;
  }

  setKillSwitch(on: boolean, by: string): KillSwitch {
    const value: KillSwitch = on ? { on, since: new Date().toISOString(), by } : { on, since: null, by };
    this.audit.transaction(() => {
      this.write('kill_switch', value, by);
      this.audit.append({ type: on ? 'safety.kill_switch_on' : 'safety.kill_switch_off', actor: by, subject: 'kill_switch', payload: { on } });
    });
    this.killCache = value;
    return value;
  }

  policy(): PolicyRules {
    this.policyCache ??= PolicyRulesSchema.parse(this.read<unknown>('policy') ?? {});
    return this.policyCache;
  }

  setPolicy(raw: unknown, by: string): PolicyRules {
    const rules = PolicyRulesSchema.parse(raw);
    this.audit.transaction(() => {
      this.write('policy', rules, by);
      this.audit.append({ type: 'safety.policy_changed', actor: by, subject: 'policy', payload: { rules } });
    });
    this.policyCache = rules;
    return rules;
  }

  pausedSources(): string[] {
    return this.read<string[]>('paused_sources') ?? [];
  }

  setSourcePaused(source: string, paused: boolean, by: string, reason: string): void {
    const current = new Set(this.pausedSources());
    if (paused === current.has(source)) return;
    if (paused) current.add(source);
    else current.delete(source);
    this.audit.transaction(() => {
      this.write('paused_sources', [...current].sort(), by);
      this.audit.append({ type: paused ? 'safety.source_paused' : 'safety.source_resumed', actor: by, subject: source, payload: { source, reason } });
    });
  }

  view(): Controls {
    const history = stmt(this.db, 'SELECT level, set_by, set_at, reason FROM autonomy_history ORDER BY id DESC LIMIT 20').all() as Controls['autonomy_history'];
    return { autonomy: this.autonomy(), autonomy_history: history, kill_switch: this.killSwitch(), policy: this.policy(), paused_sources: this.pausedSources() };
  }
}
