-- PostgreSQL keeps the device list's last-contact indexes and the offline sweep's in a table of their own,
-- device_presence, so that a check-in's update of devices touches no index there (its migration 0082 says why). SQLite
-- rewrites the indexes a statement's SET names either way, and a second table would add pages to every check-in, so here
-- the same name is a view of devices: the queries that read device_presence run unchanged on both databases.
CREATE VIEW device_presence AS
SELECT merchant_id, id AS device_id, last_seen_at, offline_after, is_online, status, tamper_state, model, app_version FROM devices;
