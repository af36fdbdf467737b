-- The gate (门卫): vehicles, express parcels, and vehicles or equipment held for enforcement
-- cases; one row per arrival, closed when it leaves, is collected or is released.

CREATE TABLE gate_entries (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    kind         TEXT NOT NULL CHECK (kind IN ('vehicle', 'parcel', 'custody')),
    plate        TEXT NOT NULL DEFAULT '',
    unit         TEXT NOT NULL DEFAULT '',
    driver       TEXT NOT NULL DEFAULT '',
    purpose      TEXT NOT NULL DEFAULT '',
    parking      TEXT NOT NULL DEFAULT '',
    carrier      TEXT NOT NULL DEFAULT '',
    tracking     TEXT NOT NULL DEFAULT '',
    recipient    TEXT NOT NULL DEFAULT '',
    case_number  TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    handed_by    TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    arrived_at   INTEGER NOT NULL,
    left_at      INTEGER,
    left_to      TEXT NOT NULL DEFAULT '',
    left_by      TEXT,
    author_id    TEXT NOT NULL REFERENCES people (id),
    client_id    TEXT NOT NULL,
    clock_skewed INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    anonymised_at INTEGER
);
CREATE INDEX gate_entries_site_open ON gate_entries (site_id, kind, left_at);
CREATE INDEX gate_entries_version ON gate_entries (version);
