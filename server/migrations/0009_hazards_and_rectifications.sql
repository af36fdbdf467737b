-- Hazards and rectifications (#6): hazard reports are create-only events; one not fixed on the
-- spot opens a rectification, a state machine the server owns (registered → issued → in
-- progress → awaiting review → closed; review may return it). `rev` counts its changes; a
-- change carries the rev it was read at and is refused when another phone changed it since.

CREATE TABLE hazards (
    id             TEXT PRIMARY KEY,
    site_id        TEXT NOT NULL REFERENCES sites (id),
    place          TEXT NOT NULL,
    category       TEXT NOT NULL CHECK (category IN ('fire', 'electrical', 'boiler', 'public_order',
                                                     'facility', 'sanitation')),
    grade          TEXT NOT NULL CHECK (grade IN ('general', 'major')),
    description    TEXT NOT NULL,
    fixed_on_spot  INTEGER NOT NULL,
    fix_note       TEXT NOT NULL DEFAULT '',
    -- The patrol checkpoint whose finding this is.
    from_check     TEXT,
    reported_at    INTEGER NOT NULL,
    author_id      TEXT NOT NULL REFERENCES people (id),
    client_id      TEXT NOT NULL,
    clock_skewed   INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX hazards_site_time ON hazards (site_id, reported_at);
CREATE INDEX hazards_version ON hazards (version);

CREATE TABLE rectifications (
    id              TEXT PRIMARY KEY,
    site_id         TEXT NOT NULL REFERENCES sites (id),
    hazard_id       TEXT NOT NULL REFERENCES hazards (id),
    -- 整改通知书编号, given when issued.
    notice_no       TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('registered', 'issued', 'in_progress',
                                                   'awaiting_review', 'closed')),
    rev             INTEGER NOT NULL,
    -- The client whose change made `rev` (kept on the server).
    last_client_id  TEXT NOT NULL,
    category        TEXT NOT NULL,
    grade           TEXT NOT NULL,
    place           TEXT NOT NULL,
    description     TEXT NOT NULL,
    found_at        INTEGER NOT NULL,
    finder_id       TEXT NOT NULL REFERENCES people (id),
    finder_name     TEXT NOT NULL DEFAULT '',
    department      TEXT NOT NULL DEFAULT '',
    responsible_id  TEXT REFERENCES people (id),
    responsible_name TEXT NOT NULL DEFAULT '',
    measures        TEXT NOT NULL DEFAULT '',
    -- Court date, YYYY-MM-DD.
    deadline        TEXT NOT NULL DEFAULT '',
    funding         TEXT NOT NULL DEFAULT '',
    safeguards      TEXT NOT NULL DEFAULT '',
    plan            TEXT NOT NULL DEFAULT '{}',
    issued_by       TEXT REFERENCES people (id),
    issued_at       INTEGER,
    completion      TEXT NOT NULL DEFAULT '',
    completed_at    INTEGER,
    reviewer_id     TEXT REFERENCES people (id),
    reviewed_at     INTEGER,
    closed_at       INTEGER,
    escalated_at    INTEGER,
    version         INTEGER NOT NULL
);
CREATE INDEX rectifications_site ON rectifications (site_id, state);
CREATE INDEX rectifications_version ON rectifications (version);

-- The append-only thread of a rectification: comments, and each move with what was said.
CREATE TABLE rect_comments (
    id         TEXT PRIMARY KEY,
    rect_id    TEXT NOT NULL REFERENCES rectifications (id),
    site_id    TEXT NOT NULL REFERENCES sites (id),
    -- 'comment', or the move: issue, edit, start, complete, approve, return, escalate.
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    author_id  TEXT REFERENCES people (id),
    version    INTEGER NOT NULL
);
CREATE INDEX rect_comments_rect ON rect_comments (rect_id, at);
CREATE INDEX rect_comments_version ON rect_comments (version);
