-- A terminal that resends a check-in whose answer it lost sends the same Idempotency-Key: the unique index makes the
-- retry's history row a conflict (INSERT … ON CONFLICT DO NOTHING), so the check-in is stored and counted once.
-- Rows without a key never conflict. Keys are cleared after Devices:IdempotencyKeyHours so a device may reuse one.
ALTER TABLE device_check_ins ADD COLUMN idempotency_key text NULL;
CREATE UNIQUE INDEX ux_device_check_ins_idempotency ON device_check_ins (merchant_id, device_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- The sweep that clears expired keys finds them here (only rows still holding a key are in it).
CREATE INDEX ix_device_check_ins_key_expiry ON device_check_ins (received_at) WHERE idempotency_key IS NOT NULL;
