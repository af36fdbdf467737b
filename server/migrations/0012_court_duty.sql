-- Courtroom duty (值庭, #5): a guard on duty in a hearing, and how its order was kept.

CREATE TABLE court_duties (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id),
    courtroom     TEXT NOT NULL,
    case_no       TEXT NOT NULL DEFAULT '',
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    outcome       TEXT CHECK (outcome IN ('orderly', 'stopped', 'police')),
    note          TEXT NOT NULL DEFAULT '',
    author_id     TEXT NOT NULL REFERENCES people (id),
    client_id     TEXT NOT NULL,
    clock_skewed  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX court_duties_site_time ON court_duties (site_id, started_at);
CREATE INDEX court_duties_version ON court_duties (version);
