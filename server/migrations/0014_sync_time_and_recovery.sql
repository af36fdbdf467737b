-- The offline contract, part 1: records keep the time they were made, pulls resume inside a
-- version, a restored server starts a new cursor epoch, receipts wait for a backup.

-- Per client: the time of its last record and its last contact (the server's time, and the
-- last mutation id the phone had given out then), which bound the next record's time; and
-- the last of its mutations a finished backup holds.
ALTER TABLE sync_clients ADD COLUMN last_made_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_clients ADD COLUMN contact_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_clients ADD COLUMN contact_made_up_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_clients ADD COLUMN backed_up_to INTEGER NOT NULL DEFAULT 0;

-- Per mutation, both times and how they were read: the phone's clock at making
-- (client_time, already here) and at sending, the phone's estimate of the server's time, the
-- time the server placed it at, and why the clock is in doubt if it is.
ALTER TABLE sync_mutations ADD COLUMN made_at INTEGER;
ALTER TABLE sync_mutations ADD COLUMN sent_at INTEGER;
ALTER TABLE sync_mutations ADD COLUMN server_est INTEGER;
ALTER TABLE sync_mutations ADD COLUMN clock_flag TEXT;
CREATE INDEX sync_mutations_flagged ON sync_mutations (clock_flag) WHERE clock_flag IS NOT NULL;

-- Cursors carry the epoch; a restore from a backup makes a new one.
ALTER TABLE sync_meta ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
UPDATE sync_meta SET epoch = lower(hex(randomblob(8)));

-- Backups into the data folder, on a schedule.
CREATE TABLE backups (
    id           INTEGER PRIMARY KEY,
    file         TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    bytes        INTEGER,
    error        TEXT
);
