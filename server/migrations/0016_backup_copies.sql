-- Backups copied off the machine (GUARDPOST_BACKUP_COPY_DIR) and the copy verified.
ALTER TABLE backups ADD COLUMN copy_file TEXT;
ALTER TABLE backups ADD COLUMN copy_verified_at INTEGER;
ALTER TABLE backups ADD COLUMN copy_error TEXT;
