-- A check-in's history row entered two B-tree indexes: the primary key (merchant_id, id), with random ids, and
-- ix_device_check_ins_device (merchant_id, device_id, received_at), the only order anything reads the history in (a
-- device's check-ins, newest first). The primary key now is that order, with the id last (unique by construction, a new
-- Guid per row; two check-ins of a device in the same instant are both kept), so each row enters one index.
-- The history is not clustered here as on SQLite (a heap has no order), so the gain is the second index's insert.
-- Rebuilding the key locks device_check_ins while it builds: on a large history run it in a maintenance window.
ALTER TABLE device_check_ins DROP CONSTRAINT device_check_ins_pkey;
DROP INDEX ix_device_check_ins_device;
ALTER TABLE device_check_ins ADD PRIMARY KEY (merchant_id, device_id, received_at, id);
