-- The hash-chained audit trail and component heartbeats.

CREATE TABLE audit_events (
  id        INTEGER PRIMARY KEY,          -- 1, 2, 3, … without gaps; the verifier checks continuity
  ts        TEXT    NOT NULL,             -- ISO-8601 UTC
  trace_id  TEXT    NOT NULL,
  parent_id INTEGER REFERENCES audit_events (id),
  type      TEXT    NOT NULL,             -- what happened, e.g. event.ingested, gate.required
  actor     TEXT    NOT NULL,             -- who or what caused it: system, api, person, schedule, rule, llm
  subject   TEXT,                         -- what it concerns: a tool, task, approval or entity id
  payload   TEXT    NOT NULL,             -- canonical JSON object
  prev_hash TEXT    NOT NULL,
  hash      TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_events_trace ON audit_events (trace_id, id);
CREATE INDEX audit_events_type ON audit_events (type, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only: rows cannot be updated');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only: rows cannot be deleted');
END;

CREATE TABLE system_health (
  component      TEXT PRIMARY KEY,
  status         TEXT NOT NULL,
  last_heartbeat TEXT NOT NULL,
  details        TEXT NOT NULL DEFAULT '{}'
);
