-- The supervisor's inspections (#6): editable checklists (court-wide, started from the bid's),
-- inspections made from them, and screening-accuracy samples.

CREATE TABLE inspection_checklists (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    -- The hazard category a failed item's rectification gets.
    category    TEXT NOT NULL,
    -- JSON array of the items' texts, in order.
    items       TEXT NOT NULL,
    sort        INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX inspection_checklists_version ON inspection_checklists (version);

CREATE TABLE inspections (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id),
    kind          TEXT NOT NULL CHECK (kind IN ('weekly', 'monthly', 'spot')),
    checklist_id  TEXT NOT NULL REFERENCES inspection_checklists (id),
    -- The checklist's name and items as they were: [{text, ok, note, rectify}].
    name_zh       TEXT NOT NULL,
    items         TEXT NOT NULL,
    failed        INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    recorded_at   INTEGER NOT NULL,
    author_id     TEXT NOT NULL REFERENCES people (id),
    client_id     TEXT NOT NULL,
    clock_skewed  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX inspections_site_time ON inspections (site_id, recorded_at);
CREATE INDEX inspections_version ON inspections (version);

-- One re-check per screening.
CREATE TABLE screening_samples (
    id            TEXT PRIMARY KEY,
    screening_id  TEXT NOT NULL UNIQUE REFERENCES screenings (id),
    site_id       TEXT NOT NULL REFERENCES sites (id),
    -- The screening's time: accuracy is counted per day screened.
    screened_at   INTEGER NOT NULL,
    correct       INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    sampled_at    INTEGER NOT NULL,
    author_id     TEXT NOT NULL REFERENCES people (id),
    version       INTEGER NOT NULL
);
CREATE INDEX screening_samples_site_time ON screening_samples (site_id, screened_at);
CREATE INDEX screening_samples_version ON screening_samples (version);
