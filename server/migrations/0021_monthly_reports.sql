-- The monthly report to the court (月度报告): the supervisor's plan for the next month while
-- it is a draft, then, once filed, the report as it stood (frozen: records of its month that
-- arrive later are the next report's late additions), numbered by year.

CREATE TABLE monthly_reports (
    id          TEXT PRIMARY KEY,
    -- A site's id, or 'court' for the whole court.
    scope       TEXT NOT NULL,
    -- YYYY-MM.
    month       TEXT NOT NULL,
    plan        TEXT NOT NULL DEFAULT '',
    plan_at     INTEGER,
    plan_by     TEXT REFERENCES people (id),
    -- Given when filed: 2026-007 (the year, the order filed in it).
    number      TEXT UNIQUE,
    filed_at    INTEGER,
    filed_by    TEXT REFERENCES people (id),
    -- The report as filed (JSON), never changed after.
    body        TEXT,
    UNIQUE (scope, month)
);
