-- The offline contract, part 2: proven authors, phones tied to sessions, held records, sign-in
-- limits that lock nobody out.

-- Each person's generation of author secrets: a password reset, a change of password or a
-- disabled account starts a new one, and proofs made with an older one are held.
ALTER TABLE people ADD COLUMN author_gen INTEGER NOT NULL DEFAULT 0;

-- The phone a session took its author secret on: revoking the phone ends the session.
ALTER TABLE sessions ADD COLUMN client_id TEXT;
CREATE INDEX sessions_client ON sessions (client_id) WHERE client_id IS NOT NULL;

-- Mutations may now be held (recorded, not applied) until their author signs them again or a
-- supervisor decides; the whole record waits in `held_record`. `signed_as` is where its proof
-- was made (`client/id`): a record is applied once however it arrives.
CREATE TABLE sync_mutations_new (
    client_id    TEXT NOT NULL,
    mutation_id  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    v            INTEGER NOT NULL,
    author       TEXT NOT NULL,
    args         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('applied', 'rejected', 'held')),
    code         TEXT,
    message      TEXT,
    client_time  INTEGER NOT NULL,
    server_time  INTEGER NOT NULL,
    field        TEXT,
    made_at      INTEGER,
    sent_at      INTEGER,
    server_est   INTEGER,
    clock_flag   TEXT,
    held_record  TEXT,
    signed_as    TEXT,
    decided_by   TEXT,
    decided_at   INTEGER,
    PRIMARY KEY (client_id, mutation_id)
);
INSERT INTO sync_mutations_new (client_id, mutation_id, name, v, author, args, status, code, message,
    client_time, server_time, field, made_at, sent_at, server_est, clock_flag)
SELECT client_id, mutation_id, name, v, author, args, status, code, message,
    client_time, server_time, field, made_at, sent_at, server_est, clock_flag
FROM sync_mutations;
DROP TABLE sync_mutations;
ALTER TABLE sync_mutations_new RENAME TO sync_mutations;
CREATE INDEX sync_mutations_flagged ON sync_mutations (clock_flag) WHERE clock_flag IS NOT NULL;
CREATE UNIQUE INDEX sync_mutations_signed ON sync_mutations (signed_as) WHERE signed_as IS NOT NULL;
CREATE INDEX sync_mutations_held ON sync_mutations (status) WHERE status = 'held';

-- Failures from an enrolled phone are counted for that phone, not for the address a court's
-- whole network shares.
ALTER TABLE sign_in_failures ADD COLUMN device TEXT;
CREATE INDEX sign_in_failures_device ON sign_in_failures (device, at) WHERE device IS NOT NULL;

-- Visitors under 14 (sensitive personal information): marked, with their guardian, shown
-- with less on phones.
ALTER TABLE visits ADD COLUMN minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN guardian TEXT NOT NULL DEFAULT '';
