-- Service to the court (#20): court staff (法院工作人员), a light account that files requests
-- from its own phone, and the requests with their response clocks.

-- SQLite cannot alter a CHECK: the roles table is made again with the new role.
CREATE TABLE person_roles_new (
    person_id  TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('guard', 'team_leader', 'gate_guard', 'caretaker',
                                             'fire_operator', 'supervisor', 'court_liaison', 'admin',
                                             'court_staff')),
    PRIMARY KEY (person_id, role)
);
INSERT INTO person_roles_new (person_id, role) SELECT person_id, role FROM person_roles;
DROP TABLE person_roles;
ALTER TABLE person_roles_new RENAME TO person_roles;

-- Each step's time is the time the phone made it (the record's placed time); `received_at`
-- is when the request came in (a call logged later says how long before).
CREATE TABLE court_requests (
    id                 TEXT PRIMARY KEY,
    site_id            TEXT NOT NULL REFERENCES sites (id),
    channel            TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'email', 'suggestion_box', 'in_person')),
    urgency            TEXT NOT NULL CHECK (urgency IN ('urgent', 'general')),
    email_class        TEXT CHECK (email_class IN ('urgent', 'important', 'general')),
    subject            TEXT NOT NULL,
    detail             TEXT NOT NULL DEFAULT '',
    from_whom          TEXT NOT NULL DEFAULT '',
    received_at        INTEGER NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('received', 'acknowledged', 'handled', 'reported', 'closed')),
    acknowledged_at    INTEGER,
    acknowledged_by    TEXT REFERENCES people (id),
    acknowledged_name  TEXT,
    handled_at         INTEGER,
    handled_by         TEXT REFERENCES people (id),
    handled_name       TEXT,
    handling           TEXT,
    on_site            INTEGER NOT NULL DEFAULT 0,
    reported_at        INTEGER,
    reported_by        TEXT REFERENCES people (id),
    report             TEXT,
    closed_at          INTEGER,
    closed_by          TEXT REFERENCES people (id),
    close_kind         TEXT CHECK (close_kind IN ('confirmed', 'unconfirmed')),
    confirm_note       TEXT,
    -- The rectification a request that needs work opened (its hazard names the request).
    rect_id            TEXT,
    author_id          TEXT NOT NULL REFERENCES people (id),
    client_id          TEXT NOT NULL,
    clock_skewed       INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL
);
CREATE INDEX court_requests_site_time ON court_requests (site_id, received_at);
CREATE INDEX court_requests_version ON court_requests (version);
CREATE INDEX court_requests_reported ON court_requests (state, reported_at);

-- Each opening of a site's suggestion box (意见箱), and what was in it.
CREATE TABLE suggestion_box_openings (
    id            TEXT PRIMARY KEY,
    site_id       TEXT NOT NULL REFERENCES sites (id),
    items         INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    opened_at     INTEGER NOT NULL,
    opened_name   TEXT NOT NULL,
    author_id     TEXT NOT NULL REFERENCES people (id),
    client_id     TEXT NOT NULL,
    clock_skewed  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);
CREATE INDEX suggestion_box_site_time ON suggestion_box_openings (site_id, opened_at);
CREATE INDEX suggestion_box_version ON suggestion_box_openings (version);
