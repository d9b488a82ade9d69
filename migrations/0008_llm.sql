-- The language model: every call's recorded context and answer, and thread ids on tasks.

-- A conversation thread carried from the event to its task (events already have thread_id).
ALTER TABLE tasks ADD COLUMN thread_id TEXT;
CREATE INDEX tasks_thread ON tasks (thread_id) WHERE thread_id IS NOT NULL;
CREATE INDEX events_thread ON events (thread_id, received_at) WHERE thread_id IS NOT NULL;

-- One row per request to a provider: exactly what it received (the context as sections and the request as
-- sent, without credentials) and what it answered. GET /v1/llm/context?trace_id= reads these.
CREATE TABLE llm_calls (
  id             TEXT PRIMARY KEY,
  trace_id       TEXT NOT NULL,
  task_id        TEXT,
  step_id        TEXT,
  turn           INTEGER,
  thread_id      TEXT,
  purpose        TEXT NOT NULL,                -- decide, test
  provider       TEXT NOT NULL,
  model          TEXT NOT NULL,
  prompt_version TEXT NOT NULL,
  context        TEXT NOT NULL CHECK (json_valid(context)),  -- sections, budget, what was left out
  request        TEXT NOT NULL CHECK (json_valid(request)),  -- the body as sent to the provider
  status         TEXT NOT NULL CHECK (status IN ('requested', 'responded', 'failed')),
  response       TEXT CHECK (response IS NULL OR json_valid(response)),
  usage_input    INTEGER,
  usage_output   INTEGER,
  usage_estimated INTEGER NOT NULL DEFAULT 0,  -- 1 when the provider reported no counts and they were estimated
  error          TEXT,                         -- JSON {kind, message}
  created_at     TEXT NOT NULL,
  finished_at    TEXT
);
CREATE INDEX llm_calls_trace ON llm_calls (trace_id, created_at);
