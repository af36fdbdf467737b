-- Security screening (安检): one row per person screened, the items found as JSON (they are
-- read and written with the screening); each deposited item is also a deposit, open until
-- collected or transferred; the start-of-shift equipment self-test.

CREATE TABLE screenings (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    visit_id     TEXT REFERENCES visits (id),
    name         TEXT NOT NULL,
    equipment    TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    items        TEXT NOT NULL,
    body_check   INTEGER NOT NULL DEFAULT 0,
    visitor_sex  TEXT,
    staff_sex    TEXT,
    officer      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    author_id    TEXT NOT NULL REFERENCES people (id),
    client_id    TEXT NOT NULL,
    screened_at  INTEGER NOT NULL,
    clock_skewed INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    anonymised_at INTEGER
);
CREATE INDEX screenings_site_time ON screenings (site_id, screened_at);
CREATE INDEX screenings_version ON screenings (version);

CREATE TABLE deposits (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id),
    screening_id  TEXT NOT NULL REFERENCES screenings (id),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    category      TEXT NOT NULL,
    locker        TEXT NOT NULL,
    tag           TEXT NOT NULL,
    deposited_at  INTEGER NOT NULL,
    closed_at     INTEGER,
    closed_how    TEXT,
    closed_to     TEXT NOT NULL DEFAULT '',
    confirmed     INTEGER NOT NULL DEFAULT 0,
    closed_by     TEXT,
    version       INTEGER NOT NULL,
    anonymised_at INTEGER
);
CREATE INDEX deposits_site_open ON deposits (site_id, closed_at);
CREATE INDEX deposits_version ON deposits (version);

CREATE TABLE self_tests (
    id                TEXT PRIMARY KEY,
    site_id           TEXT NOT NULL REFERENCES sites (id),
    gate_ok           INTEGER,
    handheld_charged  INTEGER,
    xray_ok           INTEGER,
    note              TEXT NOT NULL DEFAULT '',
    author_id         TEXT NOT NULL REFERENCES people (id),
    client_id         TEXT NOT NULL,
    tested_at         INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL
);
CREATE INDEX self_tests_version ON self_tests (version);
