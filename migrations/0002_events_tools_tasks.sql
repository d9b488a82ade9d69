-- The event pipeline: events, the tasks planned from them, tool calls with idempotency keys, replies, tool review state, timers.

CREATE TABLE events (
  id              TEXT PRIMARY KEY,
  channel         TEXT NOT NULL,
  source          TEXT NOT NULL,
  thread_id       TEXT,
  text            TEXT,
  payload         TEXT NOT NULL,        -- JSON
  received_at     TEXT NOT NULL,
  trace_id        TEXT NOT NULL,
  parent_event_id TEXT REFERENCES events (id),
  dedupe_key      TEXT,
  status          TEXT NOT NULL         -- received, routed, unhandled, filtered, done, failed
);
CREATE INDEX events_dedupe ON events (channel, dedupe_key, received_at) WHERE dedupe_key IS NOT NULL;
CREATE INDEX events_received ON events (received_at);
CREATE INDEX events_trace ON events (trace_id);

CREATE TABLE tasks (
  id         TEXT PRIMARY KEY,
  trace_id   TEXT NOT NULL,
  event_id   TEXT REFERENCES events (id),
  goal       TEXT NOT NULL,
  intent     TEXT,
  status     TEXT NOT NULL,             -- planned, running, succeeded, failed, cancelled
  steps      TEXT NOT NULL,             -- JSON array of planned steps with their results
  reply      TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tasks_created ON tasks (created_at);

CREATE TABLE tool_calls (
  id              TEXT PRIMARY KEY,
  trace_id        TEXT NOT NULL,
  task_id         TEXT REFERENCES tasks (id),
  tool            TEXT NOT NULL,
  input           TEXT NOT NULL,        -- JSON
  idempotency_key TEXT UNIQUE,
  status          TEXT NOT NULL,        -- running, succeeded, failed, rejected
  output          TEXT,                 -- JSON
  error           TEXT,                 -- JSON {kind, message, ...}
  started_at      TEXT NOT NULL,
  finished_at     TEXT
);
CREATE INDEX tool_calls_trace ON tool_calls (trace_id);

CREATE TABLE responses (
  id         TEXT PRIMARY KEY,
  event_id   TEXT REFERENCES events (id),
  trace_id   TEXT NOT NULL,
  channel    TEXT NOT NULL,
  text       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX responses_event ON responses (event_id);

CREATE TABLE tool_reviews (
  name        TEXT PRIMARY KEY,
  digest      TEXT NOT NULL,            -- the manifest + entry digest that was reviewed
  enabled     INTEGER NOT NULL,
  decided_by  TEXT NOT NULL,
  decided_at  TEXT NOT NULL
);

CREATE TABLE timers (
  id         TEXT PRIMARY KEY,
  trace_id   TEXT NOT NULL,
  label      TEXT NOT NULL,
  due_at     TEXT NOT NULL,
  status     TEXT NOT NULL,             -- pending, fired, cancelled
  created_at TEXT NOT NULL
);
CREATE INDEX timers_pending ON timers (status, due_at);
