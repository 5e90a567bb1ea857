-- Audit entries are sealed with an HMAC under a key kept outside the database (Audit:ChainKey or its key file); key_id
-- names the key that sealed an entry. Entries written before this column existed keep NULL and their plain SHA-256,
-- and the first sealed entry after them anchors them (see src/AdminPortal/Features/Audit/README.md).
ALTER TABLE audit_log ADD COLUMN key_id TEXT NULL;
