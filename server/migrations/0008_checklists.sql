-- Daily checklists (#5): housekeeping, water tanks, the fire controller's daily check, the fire
-- patrol and the facility inspection; the last two countersigned by a supervisor.

CREATE TABLE checklists (
    id                TEXT PRIMARY KEY,
    site_id           TEXT NOT NULL REFERENCES sites (id),
    kind              TEXT NOT NULL CHECK (kind IN ('housekeeping', 'water_tank', 'controller_check',
                                                    'fire_patrol', 'facility_inspection')),
    -- JSON [{key, ok, note}] in the kind's order.
    items             TEXT NOT NULL,
    failed            INTEGER NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    recorded_at       INTEGER NOT NULL,
    author_id         TEXT NOT NULL REFERENCES people (id),
    countersigned_by  TEXT REFERENCES people (id),
    countersigned_at  INTEGER,
    countersign_note  TEXT NOT NULL DEFAULT '',
    client_id         TEXT NOT NULL,
    clock_skewed      INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL
);
CREATE INDEX checklists_site_time ON checklists (site_id, recorded_at);
CREATE INDEX checklists_version ON checklists (version);

-- Fire-room handover (交接班): written by the operator going off duty with what stays open,
-- signed by the one taking over (another operator at the site).
CREATE TABLE handovers (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id),
    notes         TEXT NOT NULL DEFAULT '',
    open_alarms   INTEGER NOT NULL,
    open_repairs  INTEGER NOT NULL,
    handed_at     INTEGER NOT NULL,
    author_id     TEXT NOT NULL REFERENCES people (id),
    accepted_by   TEXT REFERENCES people (id),
    accepted_at   INTEGER,
    client_id     TEXT NOT NULL,
    clock_skewed  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX handovers_site_time ON handovers (site_id, handed_at);
CREATE INDEX handovers_version ON handovers (version);
