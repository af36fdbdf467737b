-- The full visitor registration (来访登记): document, contact, category, destination, and
-- check-out. `id_number` never leaves the server except through a recorded reveal; phones get
-- `id_masked`. `complete` is the registration-completeness KPI's numerator.

ALTER TABLE visits ADD COLUMN id_type TEXT NOT NULL DEFAULT 'other';
ALTER TABLE visits ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN id_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN id_missing_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN category TEXT NOT NULL DEFAULT 'other';
ALTER TABLE visits ADD COLUMN area_id TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN person_visited TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN case_number TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN companions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN repeat_of TEXT;
ALTER TABLE visits ADD COLUMN complete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN checked_out_at INTEGER;
ALTER TABLE visits ADD COLUMN checked_out_by TEXT;
-- Set by the retention job: personal fields cleared, counts kept.
ALTER TABLE visits ADD COLUMN anonymised_at INTEGER;
CREATE INDEX visits_site_checked_in ON visits (site_id, checked_in_at);
