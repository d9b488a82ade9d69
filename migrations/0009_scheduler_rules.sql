-- Schedules (cron, interval, one-shot) with missed-run policies; watchers; rules with quiet hours, their log and deferrals.
CREATE TABLE schedules (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('cron', 'interval', 'once')),
  cron          TEXT,
  timezone      TEXT,
  interval_ms   INTEGER,
  run_at        TEXT,
  payload       TEXT NOT NULL,
  missed_policy TEXT NOT NULL CHECK (missed_policy IN ('skip', 'run_once', 'run_all')),
  staleness_ms  INTEGER,
  status        TEXT NOT NULL CHECK (status IN ('active', 'paused', 'done')),
  next_run_at   TEXT,
  last_run_at   TEXT,
  run_count     INTEGER NOT NULL DEFAULT 0,
  anchor_at     TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE status = 'active';

CREATE TABLE watchers (
  id          TEXT PRIMARY KEY,
  enabled     INTEGER NOT NULL DEFAULT 1,
  updated_at  TEXT NOT NULL
);

CREATE TABLE quiet_hours (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  start_time  TEXT NOT NULL,
  end_time    TEXT NOT NULL,
  timezone    TEXT NOT NULL,
  days        TEXT NOT NULL DEFAULT '[]',
  policy      TEXT NOT NULL CHECK (policy IN ('suppress', 'defer')),
  created_at  TEXT NOT NULL
);

CREATE TABLE rules (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  enabled         INTEGER NOT NULL DEFAULT 1,
  trigger         TEXT NOT NULL,
  conditions      TEXT NOT NULL,
  actions         TEXT NOT NULL,
  debounce_ms     INTEGER NOT NULL DEFAULT 0,
  dedupe_ms       INTEGER NOT NULL DEFAULT 0,
  cooldown_ms     INTEGER NOT NULL DEFAULT 0,
  quiet_hours_id  TEXT REFERENCES quiet_hours (id) ON DELETE SET NULL,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);

CREATE TABLE rule_log (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id   TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
  at        TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  reason    TEXT,
  event_id  TEXT,
  trace_id  TEXT
);
CREATE INDEX rule_log_by_rule ON rule_log (rule_id, id);

CREATE TABLE rule_deferrals (
  id        TEXT PRIMARY KEY,
  rule_id   TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
  event_id  TEXT NOT NULL,
  due_at    TEXT NOT NULL,
  status    TEXT NOT NULL CHECK (status IN ('pending', 'done'))
);
CREATE INDEX rule_deferrals_due ON rule_deferrals (due_at) WHERE status = 'pending';
