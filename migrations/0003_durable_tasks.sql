-- Durable tasks: steps and attempts in their own tables, leases, and a state machine the database enforces.

ALTER TABLE tasks ADD COLUMN kind TEXT NOT NULL DEFAULT 'intent';      -- intent, workflow, llm
ALTER TABLE tasks ADD COLUMN workflow_id TEXT;
ALTER TABLE tasks ADD COLUMN run_input TEXT NOT NULL DEFAULT '{}';     -- JSON: intent slots or a workflow run's input
ALTER TABLE tasks ADD COLUMN channel TEXT NOT NULL DEFAULT 'api';      -- where the reply goes
ALTER TABLE tasks ADD COLUMN actor TEXT NOT NULL DEFAULT 'api';        -- who asked: person, api, schedule, rule, llm
ALTER TABLE tasks ADD COLUMN lease_owner TEXT;                          -- host|pid|boot of the process running it
ALTER TABLE tasks ADD COLUMN lease_expires_at TEXT;
ALTER TABLE tasks ADD COLUMN error TEXT;                                -- JSON {kind, message} when failed
CREATE INDEX tasks_status ON tasks (status, updated_at);

CREATE TABLE task_steps (
  task_id         TEXT NOT NULL REFERENCES tasks (id),
  step_id         TEXT NOT NULL,
  seq             INTEGER NOT NULL,          -- declared order
  sub             INTEGER NOT NULL DEFAULT 0, -- order among steps an llm_decide step added at the same seq
  kind            TEXT NOT NULL,             -- tool, llm_decide
  tool            TEXT,
  input           TEXT NOT NULL DEFAULT '{}',-- JSON, may hold {from_step, path} references
  goal            TEXT,                      -- llm_decide: what to achieve
  depends_on      TEXT NOT NULL DEFAULT '[]',
  condition       TEXT,                      -- JSON `when`
  retry_policy    TEXT NOT NULL,             -- JSON, effective policy
  on_error        TEXT NOT NULL DEFAULT '{"action":"fail"}',
  fallback        INTEGER NOT NULL DEFAULT 0,
  activated       INTEGER NOT NULL DEFAULT 0, -- a fallback step a goto has switched on
  parent_step     TEXT,                      -- the llm_decide step that added it
  risk            TEXT NOT NULL DEFAULT 'none',
  requires_approval INTEGER NOT NULL DEFAULT 0,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  resume_interrupted INTEGER NOT NULL DEFAULT 0,
  output          TEXT,
  error           TEXT,                      -- JSON {kind, message, handled?}
  started_at      TEXT,
  finished_at     TEXT,
  PRIMARY KEY (task_id, step_id)
);

CREATE TABLE step_attempts (
  id          INTEGER PRIMARY KEY,
  task_id     TEXT NOT NULL,
  step_id     TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  status      TEXT NOT NULL,                 -- running, succeeded, failed, interrupted
  tool_call_id TEXT,
  error       TEXT,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  UNIQUE (task_id, step_id, attempt)
);

CREATE TABLE workflows (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  definition  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

-- The legal state changes, as data; triggers refuse any other, so an illegal transition is never stored.
CREATE TABLE state_transitions (
  machine    TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  PRIMARY KEY (machine, from_state, to_state)
) WITHOUT ROWID;

INSERT INTO state_transitions (machine, from_state, to_state) VALUES
  ('task', 'planned', 'pending'), ('task', 'planned', 'cancelled'),
  ('task', 'pending', 'running'), ('task', 'pending', 'paused'), ('task', 'pending', 'cancelled'),
  ('task', 'running', 'pending'), ('task', 'running', 'succeeded'), ('task', 'running', 'failed'),
  ('task', 'running', 'cancelled'), ('task', 'running', 'paused'), ('task', 'running', 'waiting_approval'),
  ('task', 'paused', 'pending'), ('task', 'paused', 'cancelled'),
  ('task', 'waiting_approval', 'pending'), ('task', 'waiting_approval', 'cancelled'), ('task', 'waiting_approval', 'failed'),
  ('task', 'waiting_approval', 'paused'),
  ('step', 'pending', 'running'), ('step', 'pending', 'skipped'), ('step', 'pending', 'cancelled'),
  ('step', 'running', 'succeeded'), ('step', 'running', 'failed'), ('step', 'running', 'pending'),
  ('step', 'running', 'ambiguous'), ('step', 'running', 'cancelled'), ('step', 'running', 'waiting_approval'),
  ('step', 'running', 'skipped'),
  ('step', 'ambiguous', 'pending'), ('step', 'ambiguous', 'succeeded'), ('step', 'ambiguous', 'failed'), ('step', 'ambiguous', 'cancelled'),
  ('step', 'waiting_approval', 'pending'), ('step', 'waiting_approval', 'failed'), ('step', 'waiting_approval', 'cancelled');

CREATE TRIGGER tasks_state_machine BEFORE UPDATE OF status ON tasks
WHEN OLD.status <> NEW.status AND NOT EXISTS (
  SELECT 1 FROM state_transitions WHERE machine = 'task' AND from_state = OLD.status AND to_state = NEW.status)
BEGIN
  SELECT RAISE(ABORT, 'illegal task state transition');
END;

CREATE TRIGGER tasks_initial_state BEFORE INSERT ON tasks
WHEN NEW.status NOT IN ('planned', 'pending')
BEGIN
  SELECT RAISE(ABORT, 'illegal initial task state');
END;

CREATE TRIGGER task_steps_state_machine BEFORE UPDATE OF status ON task_steps
WHEN OLD.status <> NEW.status AND NOT EXISTS (
  SELECT 1 FROM state_transitions WHERE machine = 'step' AND from_state = OLD.status AND to_state = NEW.status)
BEGIN
  SELECT RAISE(ABORT, 'illegal step state transition');
END;

CREATE TRIGGER task_steps_initial_state BEFORE INSERT ON task_steps
WHEN NEW.status <> 'pending'
BEGIN
  SELECT RAISE(ABORT, 'illegal initial step state');
END;
