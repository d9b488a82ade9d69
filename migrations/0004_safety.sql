-- The policy engine's state: autonomy with history, controls (kill switch, policy rules, paused sources), approvals, grants, API tokens with roles.

CREATE TABLE autonomy_history (
  id      INTEGER PRIMARY KEY,
  level   TEXT NOT NULL,
  set_by  TEXT NOT NULL,
  set_at  TEXT NOT NULL,
  reason  TEXT
);

CREATE TABLE controls (
  key        TEXT PRIMARY KEY,               -- kill_switch, policy, paused_sources
  value      TEXT NOT NULL,                  -- JSON
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE approvals (
  id           TEXT PRIMARY KEY,
  trace_id     TEXT NOT NULL,
  task_id      TEXT,
  step_id      TEXT,
  tool         TEXT NOT NULL,
  input        TEXT NOT NULL,                -- JSON, exactly as it will run
  input_hash   TEXT NOT NULL,                -- sha256 of the canonical input: an approval covers only this call
  risk         TEXT NOT NULL,
  reasons      TEXT NOT NULL DEFAULT '[]',   -- why the risk is what it is
  permissions  TEXT NOT NULL,
  preview      TEXT NOT NULL,
  requested_by TEXT NOT NULL,                -- person, schedule, rule, llm
  cell         TEXT NOT NULL,                -- the gate cell that asked
  status       TEXT NOT NULL,                -- pending, approved, denied, expired, consumed
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  decided_by   TEXT,
  decided_at   TEXT,
  grant_id     TEXT
);
CREATE INDEX approvals_status ON approvals (status, expires_at);

CREATE TABLE grants (
  id           TEXT PRIMARY KEY,
  scope        TEXT NOT NULL,                -- JSON GrantScope
  description  TEXT NOT NULL,
  risk_ceiling TEXT NOT NULL,
  approval_id  TEXT,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT,
  revoked_by   TEXT
);

CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,                 -- owner, member, viewer
  token_hash  TEXT NOT NULL UNIQUE,          -- sha256; the token itself is shown once and never stored
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);

CREATE TABLE known_hosts (
  host        TEXT PRIMARY KEY,              -- hosts http_request has reached successfully
  first_seen  TEXT NOT NULL
);

ALTER TABLE tasks ADD COLUMN paused_by TEXT;       -- 'kill_switch' when the kill switch paused it
ALTER TABLE task_steps ADD COLUMN approval_id TEXT; -- the approval this step waits for, or was granted

INSERT INTO state_transitions (machine, from_state, to_state) VALUES
  ('approval', 'pending', 'approved'), ('approval', 'pending', 'denied'), ('approval', 'pending', 'expired'),
  ('approval', 'approved', 'consumed');

CREATE TRIGGER approvals_state_machine BEFORE UPDATE OF status ON approvals
WHEN OLD.status <> NEW.status AND NOT EXISTS (
  SELECT 1 FROM state_transitions WHERE machine = 'approval' AND from_state = OLD.status AND to_state = NEW.status)
BEGIN
  SELECT RAISE(ABORT, 'illegal approval state transition');
END;
