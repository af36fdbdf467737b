-- People's certificates (资质证书), one per kind, and the fire room's shifts (#5): who is on
-- duty, from when to when, and what was wrong when the shift started anyway.

CREATE TABLE certificates (
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('guard_license', 'skill', 'fire_operator')),
    number       TEXT NOT NULL,
    -- The last valid day, YYYY-MM-DD at the court; empty when it does not expire.
    valid_until  TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (person_id, kind)
);

CREATE TABLE fire_shifts (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites (id),
    -- JSON array of the operators' ids, and their names as they were, joined with 、.
    operator_ids    TEXT NOT NULL,
    operator_names  TEXT NOT NULL,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    -- JSON array of the warnings the server found ([{code, name?}]), judged on its own
    -- records of people and certificates.
    warnings        TEXT NOT NULL,
    author_id       TEXT NOT NULL REFERENCES people (id),
    client_id       TEXT NOT NULL,
    clock_skewed    INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
);
CREATE INDEX fire_shifts_site_time ON fire_shifts (site_id, starts_at);
CREATE INDEX fire_shifts_version ON fire_shifts (version);
