-- Emergencies at any post (#20): opened by kind, walked through the procedure steps (which
-- gain the emergency kinds and a note: the immediate report to the court says what it said),
-- closed by the report afterwards.

CREATE TABLE procedure_steps_new (
    id              TEXT PRIMARY KEY,
    of_id           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('fire_alarm', 'boiler_stop', 'fire',
                        'violent_conflict', 'medical', 'equipment_failure', 'suspicious_item',
                        'other')),
    site_id         TEXT NOT NULL REFERENCES sites (id),
    step            TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    skipped_because TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    author_id       TEXT NOT NULL REFERENCES people (id),
    version         INTEGER NOT NULL
);
INSERT INTO procedure_steps_new (id, of_id, kind, site_id, step, seq, at, skipped_because,
    author_id, version)
    SELECT id, of_id, kind, site_id, step, seq, at, skipped_because, author_id, version
    FROM procedure_steps;
DROP TABLE procedure_steps;
ALTER TABLE procedure_steps_new RENAME TO procedure_steps;
CREATE INDEX procedure_steps_of ON procedure_steps (of_id, seq);
CREATE INDEX procedure_steps_version ON procedure_steps (version);

CREATE TABLE emergencies (
    id               TEXT PRIMARY KEY,
    site_id          TEXT NOT NULL REFERENCES sites (id),
    kind             TEXT NOT NULL CHECK (kind IN ('fire', 'violent_conflict', 'medical',
                         'equipment_failure', 'suspicious_item', 'other')),
    place            TEXT NOT NULL DEFAULT '',
    drill            INTEGER NOT NULL DEFAULT 0,
    opened_at        INTEGER NOT NULL,
    opened_name      TEXT NOT NULL,
    cause            TEXT,
    process          TEXT,
    losses           TEXT,
    lessons          TEXT,
    improvements     TEXT,
    after_report_at  INTEGER,
    after_report_by  TEXT REFERENCES people (id),
    closed_at        INTEGER,
    author_id        TEXT NOT NULL REFERENCES people (id),
    client_id        TEXT NOT NULL,
    clock_skewed     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL
);
CREATE INDEX emergencies_site_time ON emergencies (site_id, opened_at);
CREATE INDEX emergencies_version ON emergencies (version);
