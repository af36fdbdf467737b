-- Offline sync: enrolled devices, each client's last applied mutation, every mutation with its
-- outcome, one global version for pull cursors, and the first synced record type (visits).

CREATE TABLE devices (
    client_id    TEXT PRIMARY KEY,
    key_hash     TEXT NOT NULL,
    label        TEXT NOT NULL,
    enrolled_by  TEXT NOT NULL REFERENCES people (id),
    enrolled_at  INTEGER NOT NULL,
    revoked_at   INTEGER
);

-- People who have pushed or pulled through a device: their queued records may still be sent
-- from it after they sign out and someone else signs in.
CREATE TABLE device_people (
    client_id  TEXT NOT NULL REFERENCES devices (client_id),
    person_id  TEXT NOT NULL REFERENCES people (id),
    PRIMARY KEY (client_id, person_id)
);

CREATE TABLE sync_clients (
    client_id         TEXT PRIMARY KEY REFERENCES devices (client_id),
    last_mutation_id  INTEGER NOT NULL DEFAULT 0,
    app_build         TEXT NOT NULL DEFAULT '',
    last_seen         INTEGER NOT NULL
);

CREATE TABLE sync_mutations (
    client_id    TEXT NOT NULL,
    mutation_id  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    v            INTEGER NOT NULL,
    author       TEXT NOT NULL,
    args         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    code         TEXT,
    message      TEXT,
    client_time  INTEGER NOT NULL,
    server_time  INTEGER NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);

CREATE TABLE sync_meta (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO sync_meta (id, version) VALUES (1, 0);

CREATE TABLE visits (
    id             TEXT PRIMARY KEY,
    site_id        TEXT NOT NULL REFERENCES sites (id),
    name           TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    author_id      TEXT NOT NULL REFERENCES people (id),
    client_id      TEXT NOT NULL,
    checked_in_at  INTEGER NOT NULL,
    clock_skewed   INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    deleted_at     INTEGER
);
CREATE INDEX visits_site_version ON visits (site_id, version);
