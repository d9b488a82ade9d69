-- Memory: what Jarvis remembers, indexed by text (FTS5) and by meaning (sqlite-vec), kept in step by triggers.
CREATE TABLE memories (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,    -- the rowid the indexes share; never reused, so a late vector cannot land on a newer memory
  id          TEXT NOT NULL UNIQUE,                 -- the public id (mem_…)
  kind        TEXT NOT NULL CHECK (kind IN ('ephemeral', 'episodic', 'semantic', 'preference')),
  content     TEXT NOT NULL,
  metadata    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at  TEXT NOT NULL,
  expires_at  TEXT,                                 -- ISO-8601 UTC like created_at, so text order is time order; NULL: until forgotten
  trace_id    TEXT NOT NULL
);
CREATE INDEX memories_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX memories_created ON memories (created_at, seq);

-- External-content FTS5: the text lives once, in memories; the index must be told the old text to forget it.
CREATE VIRTUAL TABLE memory_fts USING fts5(content, content = 'memories', content_rowid = 'seq', tokenize = 'porter unicode61 remove_diacritics 2');

-- The exact vectors (float32, L2-normalised) with the model that made each: re-ranking reads these, and a
-- vector made by another model than the configured one is re-embedded.
CREATE TABLE memory_embeddings (
  memory_seq  INTEGER PRIMARY KEY REFERENCES memories (seq) ON DELETE CASCADE,
  model       TEXT NOT NULL,
  dims        INTEGER NOT NULL CHECK (dims > 0),
  vector      BLOB NOT NULL CHECK (length(vector) = dims * 4)
);
CREATE INDEX memory_embeddings_model ON memory_embeddings (model);

-- Which model's vectors memory_vec holds, and its width in bits (the dimensions rounded up to a whole byte).
-- The width is fixed when the table is created, so another model recreates it (the store does that in the
-- same transaction as the first vector of the new model).
CREATE TABLE memory_vector_index (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  model  TEXT,                                      -- NULL until the first vector is stored
  bits   INTEGER NOT NULL CHECK (bits > 0 AND bits % 8 = 0)
);
INSERT INTO memory_vector_index (id, model, bits) VALUES (1, NULL, 384);

-- One sign bit per dimension: a Hamming scan over these finds candidates, which are re-ranked exactly.
CREATE VIRTUAL TABLE memory_vec USING vec0(kind text, embedding bit[384]);

-- Content never changes (forget and add instead), so the text index cannot drift from it.
CREATE TRIGGER memories_content_fixed BEFORE UPDATE OF content, seq ON memories
BEGIN
  SELECT RAISE(ABORT, 'a memory''s content cannot change; forget it and add a new one');
END;

CREATE TRIGGER memories_index_text AFTER INSERT ON memories
BEGIN
  INSERT INTO memory_fts (rowid, content) VALUES (new.seq, new.content);
END;

-- Forgetting is one DELETE: the text index rows and the candidate bits go with it, in the same transaction
-- (the exact vector goes by the foreign key's cascade).
CREATE TRIGGER memories_forget AFTER DELETE ON memories
BEGIN
  INSERT INTO memory_fts (memory_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  DELETE FROM memory_vec WHERE rowid = old.seq;
END;
