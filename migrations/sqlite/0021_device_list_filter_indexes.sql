-- The device list filtered by model or app version is ordered by last contact: with only (merchant_id, model) the
-- database read every matching device and sorted them for one page of 25 (139–363 ms at a million devices, see
-- docs/BENCHMARKS.md). These serve the filter and the order together; they also cover what the two replaced served.
DROP INDEX ix_devices_merchant_model;
DROP INDEX ix_devices_merchant_app_version;
CREATE INDEX ix_devices_merchant_model ON devices (merchant_id, model, last_seen_at);
CREATE INDEX ix_devices_merchant_app_version ON devices (merchant_id, app_version, last_seen_at);
