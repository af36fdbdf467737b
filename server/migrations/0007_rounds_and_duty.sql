-- Rounds and duty logs (#5): patrol routes over a site's areas and the rounds made on them;
-- boilers, their readings and stop procedures; the fire control room's alarms, fault repairs and
-- two-hourly status entries. Steps of a fire alarm or a boiler stop share one table.

CREATE TABLE routes (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    kind         TEXT NOT NULL CHECK (kind IN ('morning', 'night', 'rest_day', 'court_patrol')),
    name_zh      TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    days         TEXT NOT NULL CHECK (days IN ('workdays', 'rest_days', 'daily', 'unscheduled')),
    -- Minutes after the court's midnight (UTC+8).
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    -- The checkpoints in order: a JSON array of area ids of the same site.
    area_ids     TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    deleted_at   INTEGER
);
CREATE INDEX routes_site ON routes (site_id);
CREATE INDEX routes_version ON routes (version);

CREATE TABLE rounds (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    route_id     TEXT NOT NULL REFERENCES routes (id),
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    -- Checkpoints of the route not confirmed, counted at the finish.
    skipped      INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    author_id    TEXT NOT NULL REFERENCES people (id),
    client_id    TEXT NOT NULL,
    clock_skewed INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX rounds_site_time ON rounds (site_id, started_at);
CREATE INDEX rounds_version ON rounds (version);

CREATE TABLE round_checks (
    id           TEXT PRIMARY KEY,
    round_id     TEXT NOT NULL REFERENCES rounds (id),
    site_id      TEXT NOT NULL REFERENCES sites (id),
    area_id      TEXT NOT NULL REFERENCES areas (id),
    how          TEXT NOT NULL CHECK (how IN ('scan', 'list')),
    reason       TEXT,
    reason_note  TEXT NOT NULL DEFAULT '',
    finding      TEXT NOT NULL DEFAULT '',
    checked_at   INTEGER NOT NULL,
    author_id    TEXT NOT NULL REFERENCES people (id),
    version      INTEGER NOT NULL
);
CREATE INDEX round_checks_round ON round_checks (round_id);
CREATE INDEX round_checks_version ON round_checks (version);

CREATE TABLE boilers (
    id                 TEXT PRIMARY KEY,
    site_id            TEXT NOT NULL REFERENCES sites (id),
    name               TEXT NOT NULL,
    medium             TEXT NOT NULL CHECK (medium IN ('hot_water', 'steam')),
    rated_pressure_mpa REAL NOT NULL,
    rated_temp_c       REAL NOT NULL,
    power_mw           REAL NOT NULL DEFAULT 0,
    volume_l           REAL NOT NULL DEFAULT 0,
    atmospheric        INTEGER NOT NULL DEFAULT 0,
    season_start       TEXT NOT NULL,
    season_end         TEXT NOT NULL,
    inspection_due     TEXT NOT NULL DEFAULT '',
    updated_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    deleted_at         INTEGER
);
CREATE INDEX boilers_version ON boilers (version);

CREATE TABLE boiler_readings (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites (id),
    boiler_id       TEXT NOT NULL REFERENCES boilers (id),
    read_at         INTEGER NOT NULL,
    supply_c        REAL,
    return_c        REAL,
    pressure_mpa    REAL,
    water_level     TEXT,
    pump_running    INTEGER NOT NULL DEFAULT 0,
    makeup_water    TEXT NOT NULL DEFAULT '',
    fuel            TEXT NOT NULL DEFAULT '',
    duties          TEXT NOT NULL DEFAULT '[]',
    faulty          TEXT NOT NULL DEFAULT '[]',
    stop_conditions TEXT NOT NULL DEFAULT '[]',
    -- Why the server found the boiler must stop (JSON [{zh, en}]); empty array: it runs on.
    stop_reasons    TEXT NOT NULL DEFAULT '[]',
    anomaly         TEXT NOT NULL DEFAULT '',
    handling        TEXT NOT NULL DEFAULT '',
    author_id       TEXT NOT NULL REFERENCES people (id),
    client_id       TEXT NOT NULL,
    clock_skewed    INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
);
CREATE INDEX boiler_readings_site_time ON boiler_readings (site_id, read_at);
CREATE INDEX boiler_readings_version ON boiler_readings (version);

CREATE TABLE fire_alarms (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    kind         TEXT NOT NULL CHECK (kind IN ('fire', 'false', 'fault', 'supervisory', 'missed')),
    place        TEXT NOT NULL,
    cause        TEXT NOT NULL DEFAULT '',
    handling     TEXT NOT NULL DEFAULT '',
    raised_at    INTEGER NOT NULL,
    closed_at    INTEGER,
    author_id    TEXT NOT NULL REFERENCES people (id),
    client_id    TEXT NOT NULL,
    clock_skewed INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX fire_alarms_site_time ON fire_alarms (site_id, raised_at);
CREATE INDEX fire_alarms_version ON fire_alarms (version);

-- Steps of a fire alarm or a boiler stop; id is "{of_id}/{step}", so a step is recorded once.
CREATE TABLE procedure_steps (
    id              TEXT PRIMARY KEY,
    of_id           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('fire_alarm', 'boiler_stop')),
    site_id         TEXT NOT NULL REFERENCES sites (id),
    step            TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    skipped_because TEXT NOT NULL DEFAULT '',
    author_id       TEXT NOT NULL REFERENCES people (id),
    version         INTEGER NOT NULL
);
CREATE INDEX procedure_steps_of ON procedure_steps (of_id, seq);
CREATE INDEX procedure_steps_version ON procedure_steps (version);

CREATE TABLE repairs (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    alarm_id     TEXT NOT NULL REFERENCES fire_alarms (id),
    place        TEXT NOT NULL,
    opened_at    INTEGER NOT NULL,
    repaired_at  INTEGER,
    repaired_by  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL
);
CREATE INDEX repairs_site_open ON repairs (site_id, repaired_at);
CREATE INDEX repairs_version ON repairs (version);

CREATE TABLE fire_status (
    id           TEXT PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    normal       INTEGER NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  INTEGER NOT NULL,
    -- More than two hours after the entry before it at this site.
    late         INTEGER NOT NULL DEFAULT 0,
    author_id    TEXT NOT NULL REFERENCES people (id),
    client_id    TEXT NOT NULL,
    clock_skewed INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL
);
CREATE INDEX fire_status_site_time ON fire_status (site_id, recorded_at);
CREATE INDEX fire_status_version ON fire_status (version);
