-- The field a refusal names, kept with the refusal: a retried push whose first answer was lost
-- gets the same outcome back, field included, so the phone can still mark the box to correct.
ALTER TABLE sync_mutations ADD COLUMN field TEXT;
