-- The watchlist (重点关注人员名单). No document numbers are stored: each entry keeps a slow
-- salted PBKDF2 key that phones compare against (the salt is one for the court, so a phone
-- computes one key per registration), and a fast keyed hash with a secret that never leaves
-- the server, for the server's own match at each registration.

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES
    ('watch_salt', lower(hex(randomblob(16)))),
    ('watch_secret', lower(hex(randomblob(32))));

CREATE TABLE watchlist (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    id_type      TEXT NOT NULL,
    id_masked    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    salt         TEXT NOT NULL,
    iterations   INTEGER NOT NULL,
    server_key   TEXT NOT NULL,
    added_by     TEXT NOT NULL REFERENCES people (id),
    created_at   INTEGER NOT NULL,
    deleted_at   INTEGER,
    removed_by   TEXT,
    version      INTEGER NOT NULL
);
CREATE INDEX watchlist_server_key ON watchlist (server_key);
CREATE INDEX watchlist_version ON watchlist (version);

-- The entry a registration matched (by the server), for the on-site list and the dashboard.
ALTER TABLE visits ADD COLUMN watch_id TEXT;

CREATE TABLE watch_alerts (
    id          TEXT PRIMARY KEY,
    site_id     TEXT NOT NULL REFERENCES sites (id),
    visit_id    TEXT NOT NULL REFERENCES visits (id),
    watch_id    TEXT NOT NULL REFERENCES watchlist (id),
    action      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    author_id   TEXT NOT NULL REFERENCES people (id),
    client_id   TEXT NOT NULL,
    alerted_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX watch_alerts_version ON watch_alerts (version);
