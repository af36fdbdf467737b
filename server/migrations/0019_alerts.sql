-- Alerts (告警): the rules as administrators changed them, every alert raised with how far up
-- its chain it went and who acknowledged it, the group robots (企业微信 / 钉钉) alerts are posted
-- to, and the durable queue of their deliveries. Phones report how many records wait on them.

CREATE TABLE alert_rules (
    rule        TEXT PRIMARY KEY,
    -- The rule as saved (JSON: enabled, threshold, chain); a rule never saved runs its default.
    config      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT REFERENCES people (id)
);

CREATE TABLE alerts (
    id                 TEXT PRIMARY KEY,
    -- Shown everywhere the alert is, robots' messages included.
    number             INTEGER NOT NULL UNIQUE,
    rule               TEXT NOT NULL,
    -- The condition it stands for (`court_request:<id>`, `round:<route>:<day>`, …): one open
    -- alert per condition.
    cond               TEXT NOT NULL,
    site_id            TEXT NOT NULL DEFAULT '',
    subject            TEXT NOT NULL DEFAULT '',
    raised_at          INTEGER NOT NULL,
    stage              INTEGER NOT NULL DEFAULT 0,
    to_roles           TEXT NOT NULL,
    -- The app's words (JSON {zh, en}); the robots' words, which carry no names, stay here.
    params             TEXT NOT NULL,
    robot_text         TEXT NOT NULL,
    last_sync_at       INTEGER,
    acknowledged_at    INTEGER,
    acknowledged_by    TEXT REFERENCES people (id),
    acknowledged_name  TEXT,
    resolved_at        INTEGER,
    created_at         INTEGER NOT NULL,
    version            INTEGER NOT NULL
);
CREATE UNIQUE INDEX alerts_open_cond ON alerts (cond) WHERE resolved_at IS NULL;
CREATE INDEX alerts_version ON alerts (version);
CREATE INDEX alerts_site_time ON alerts (site_id, raised_at);

CREATE TABLE robots (
    id          TEXT PRIMARY KEY,
    -- Empty: the court's robot, which gets every site's alerts.
    site_id     TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk')),
    -- The webhook address holds the robot's key: a secret, never shown back in full, never
    -- logged.
    url         TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT REFERENCES people (id),
    removed_at  INTEGER
);

CREATE TABLE robot_deliveries (
    id          INTEGER PRIMARY KEY,
    robot_id    TEXT NOT NULL REFERENCES robots (id),
    alert_id    TEXT NOT NULL REFERENCES alerts (id),
    stage       INTEGER NOT NULL,
    text        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('waiting', 'sent')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    sent_at     INTEGER,
    -- Deliveries merged into one message (over a robot's rate limit) share the first one's id.
    message_of  INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (robot_id, alert_id, stage)
);
CREATE INDEX robot_deliveries_due ON robot_deliveries (state, next_at);
CREATE INDEX robot_deliveries_sent ON robot_deliveries (robot_id, sent_at);

-- What each phone said waits on it at its last contact, and since when it has held records
-- without sending them.
ALTER TABLE sync_clients ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_clients ADD COLUMN waiting_since INTEGER;
