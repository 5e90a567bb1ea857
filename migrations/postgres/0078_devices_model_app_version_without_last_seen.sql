-- The same indexes as SQLite's 0078, for one schema on both databases; the reasons differ. On PostgreSQL a check-in's
-- UPDATE changes an indexed column (last_seen_at), so it is never a HOT update and adds an entry to every index of
-- devices whatever columns those hold: dropping last_seen_at from the model and app-version indexes saves little per
-- check-in. Measured with the writer's statements (bench/checkin-wal-probe/checkin_wal_probe_postgres.sh: groups of
-- 256, 300 merchants, 20,000 devices checking in in random order, PostgreSQL 15, WAL growth per check-in,
-- docs/BENCHMARKS.md 2026-12-01): 1,530–1,537 → 1,511–1,517 bytes (−1 %).
-- What it does save is space: without a per-device timestamp the entries of one value are duplicates, which B-tree
-- deduplication stores once with a list of row pointers, so the two indexes shrink about eightfold (2.8 MB → 0.3 MB at
-- 20,000 devices) and stay in memory at millions.
DROP INDEX ix_devices_merchant_model;
DROP INDEX ix_devices_merchant_app_version;
CREATE INDEX ix_devices_merchant_model ON devices (merchant_id, model);
CREATE INDEX ix_devices_merchant_app_version ON devices (merchant_id, app_version);
-- The device list keeps its order as on SQLite: a common value's page walks the merchant's last-contact index and keeps
-- the matches, now tested on the index entry (an index condition) without reading the table for every other device;
-- a rare value's few devices come from the indexes above and are sorted. PostgreSQL's planner chooses between the two
-- from its per-value statistics (DeviceListPlanTests; EXPLAIN at a million devices in docs/BENCHMARKS.md).
DROP INDEX ix_devices_merchant_last_seen;
CREATE INDEX ix_devices_merchant_last_seen ON devices (merchant_id, last_seen_at, model, app_version);
