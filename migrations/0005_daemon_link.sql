-- The app's side of its pairing with the privileged daemon: where it is and the key pinned at pairing.
CREATE TABLE daemon_links (
  id          INTEGER PRIMARY KEY CHECK (id = 1),  -- one daemon per app for now
  url         TEXT NOT NULL,
  daemon_id   TEXT NOT NULL,
  daemon_key  TEXT NOT NULL,                      -- raw Ed25519 public key, base64url, pinned: a different key later is refused
  paired_at   TEXT NOT NULL
);
