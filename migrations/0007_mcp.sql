-- MCP servers Jarvis connects to: how to reach each, its trust policy, and the person's consent before it first starts.
CREATE TABLE mcp_servers (
  name          TEXT PRIMARY KEY,                     -- the middle part of mcp.<server>.<tool>
  transport     TEXT NOT NULL CHECK (transport IN ('stdio', 'http')),
  config        TEXT NOT NULL CHECK (json_valid(config)),   -- stdio: command (resolved), args, env names, cwd; http: url, header names → env names
  policy        TEXT NOT NULL CHECK (json_valid(policy)),   -- trust policy: trusted, default risk, allowed tools, approval
  status        TEXT NOT NULL CHECK (status IN ('awaiting_consent', 'enabled', 'disabled')),
  added_by      TEXT NOT NULL,
  added_at      TEXT NOT NULL,
  consented_by  TEXT,
  consented_at  TEXT,
  -- When the tools offered right after consent were recorded as approved; tools that appear later need a review.
  baseline_at   TEXT,
  updated_at    TEXT NOT NULL
);
