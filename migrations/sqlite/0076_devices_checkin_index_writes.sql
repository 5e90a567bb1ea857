-- Every check-in changes last_seen_at, and each index that holds it is rewritten for every check-in (a delete and an
-- insert, on a random page when the fleet is spread over many stores). Two of them did not need it:
-- * the store filter: a store holds a handful of terminals, so sorting its devices by last contact is trivial and the
--   index only has to find them (and serve the foreign key from stores);
-- * the status filter: nearly every device is active and the list of active devices is served by
--   ix_devices_merchant_last_seen; only the rare statuses (pending, locked, lost or stolen, retired, wiped) need their
--   own ordered index, and active devices, the ones that check in, are left out of it. DeviceDirectory adds the
--   `status <> 1` term to a non-active status filter so both databases can prove the partial index applies.
DROP INDEX ix_devices_merchant_store;
CREATE INDEX ix_devices_merchant_store ON devices (merchant_id, store_id);
DROP INDEX ix_devices_merchant_status;
CREATE INDEX ix_devices_merchant_status_not_active ON devices (merchant_id, status, last_seen_at) WHERE status <> 1;
