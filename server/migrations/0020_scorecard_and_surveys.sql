-- The contract's scorecard and the court's satisfaction survey: why a registration was
-- incomplete (the completeness KPI opens its records), the scoring setting, the survey's
-- questions, its rounds, the one-time links departments answer from, and their answers.

-- The required fields a registration lacked, comma-separated (`id_number,phone`); empty when
-- complete. Filled on check-in from now on, and here for the registrations before.
ALTER TABLE visits ADD COLUMN incomplete TEXT NOT NULL DEFAULT '';
UPDATE visits SET incomplete = trim(
        (CASE WHEN id_number = '' THEN 'id_number,' ELSE '' END) ||
        (CASE WHEN phone = '' THEN 'phone,' ELSE '' END) ||
        (CASE WHEN purpose = '' THEN 'purpose,' ELSE '' END) ||
        (CASE WHEN area_id = '' THEN 'area_id,' ELSE '' END), ',')
    WHERE complete = FALSE;

-- Settings kept as JSON under a name: `scoring` (the four KPIs' targets and weights),
-- `survey_questions` (the questions a new round starts with). Absent: the defaults.
CREATE TABLE report_settings (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT REFERENCES people (id)
);

CREATE TABLE survey_rounds (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('quarterly', 'monthly')),
    -- YYYY-MM or YYYY-Qn: one round of a kind per period.
    period      TEXT NOT NULL,
    title       TEXT NOT NULL,
    -- The questions as they were when the round opened (JSON), so editing them later changes
    -- no round already out.
    questions   TEXT NOT NULL,
    opens_at    INTEGER NOT NULL,
    closes_at   INTEGER NOT NULL,
    closed_at   INTEGER,
    created_by  TEXT NOT NULL REFERENCES people (id),
    UNIQUE (kind, period)
);

-- One link per respondent. Only the token's SHA-256 is kept: nobody reading the database, the
-- service's own people included, can answer in a department's name.
CREATE TABLE survey_links (
    token_hash  TEXT PRIMARY KEY,
    round_id    TEXT NOT NULL REFERENCES survey_rounds (id),
    department  TEXT NOT NULL,
    site_id     TEXT NOT NULL REFERENCES sites (id),
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL REFERENCES people (id),
    used_at     INTEGER
);
CREATE INDEX survey_links_round ON survey_links (round_id);

-- An answered link: the department and site, never who (the link is not kept with it).
CREATE TABLE survey_responses (
    id           TEXT PRIMARY KEY,
    round_id     TEXT NOT NULL REFERENCES survey_rounds (id),
    department   TEXT NOT NULL,
    site_id      TEXT NOT NULL REFERENCES sites (id),
    answered_at  INTEGER NOT NULL,
    -- The rectification a comment of this response opened.
    rect_id      TEXT
);
CREATE INDEX survey_responses_round ON survey_responses (round_id, site_id);

CREATE TABLE survey_answers (
    response_id   TEXT NOT NULL REFERENCES survey_responses (id),
    question_key  TEXT NOT NULL,
    -- 1 to 5 for a rated question, else NULL and `text` holds the words.
    score         INTEGER CHECK (score BETWEEN 1 AND 5),
    text          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question_key)
);
