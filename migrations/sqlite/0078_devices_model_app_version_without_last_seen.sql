-- Every check-in changes last_seen_at, and on SQLite an UPDATE rewrites (deletes and re-inserts the entry of) every
-- index that holds a changed column, on whichever page the old and the new entry fall. Migration 0021 put last_seen_at
-- into the model and app-version indexes so that a filtered device list is read in last-contact order instead of
-- sorting every match (139–363 ms at a million devices); that cost two more index rewrites per check-in.
-- bench/checkin-wal-probe, 300 merchants, devices checking in in random row order (docs/BENCHMARKS.md, 2026-12-01):
-- 26,744 → 21,408 WAL bytes and 240 → 194 µs CPU per check-in without last_seen_at in these two.
DROP INDEX ix_devices_merchant_model;
DROP INDEX ix_devices_merchant_app_version;
CREATE INDEX ix_devices_merchant_model ON devices (merchant_id, model);
CREATE INDEX ix_devices_merchant_app_version ON devices (merchant_id, app_version);
-- The list keeps its order another way (DeviceDirectory): a rare value's few devices are found by the indexes above and
-- sorted; a common value's page is read from the merchant's last-contact index in order, keeping the matches. That
-- index is rewritten by every check-in anyway, so it now also carries model and app version: the filter is decided on
-- the index entry, and only the page's own rows are read from the table (a common model's page 40 at a million devices:
-- 33 → 5 ms). Its wider entries cost nothing measurable per check-in (21,408 → 21,434 WAL bytes, 194 → 193 µs).
DROP INDEX ix_devices_merchant_last_seen;
CREATE INDEX ix_devices_merchant_last_seen ON devices (merchant_id, last_seen_at, model, app_version);
