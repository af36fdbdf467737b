-- Sites, areas, people, roles, sessions, sign-in failures and the audit log.
-- Times are INTEGER milliseconds since the epoch (UTC): they sort and compare correctly in SQL.

CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('main_court', 'tribunal')),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort        INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE areas (
    id          TEXT PRIMARY KEY,
    site_id     TEXT NOT NULL REFERENCES sites (id),
    code        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort        INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    updated_at  INTEGER NOT NULL,
    CONSTRAINT areas_site_code UNIQUE (site_id, code)
);

CREATE TABLE people (
    id                    TEXT PRIMARY KEY,
    login                 TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    must_change_password  INTEGER NOT NULL,
    disabled              INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    CONSTRAINT people_login UNIQUE (login)
);

CREATE TABLE person_roles (
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('guard', 'team_leader', 'gate_guard', 'caretaker',
                                             'fire_operator', 'supervisor', 'court_liaison', 'admin')),
    PRIMARY KEY (person_id, role)
);

CREATE TABLE person_sites (
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    site_id    TEXT NOT NULL REFERENCES sites (id),
    PRIMARY KEY (person_id, site_id)
);

-- Only a hash of the session token is stored: a copied database opens no sessions.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE sign_in_failures (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    login  TEXT NOT NULL,
    ip     TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_login ON sign_in_failures (login, at);
CREATE INDEX sign_in_failures_ip ON sign_in_failures (ip, at);

-- Who did what to accounts and sites (never passwords, never ID numbers).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor_id  TEXT,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
