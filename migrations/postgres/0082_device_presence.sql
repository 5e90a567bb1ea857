-- A check-in changes a device's last_seen_at and offline_after. Both were in indexes of devices, so on PostgreSQL every
-- check-in was an update that is never HOT: a new row version off its page and a new entry in each of the twelve
-- indexes of devices, whatever columns those hold. The indexes that hold them move to device_presence, a narrow copy of
-- what the device list orders and filters by, kept by a trigger. devices keeps the columns themselves (every read of a
-- device still finds them there) but no index that holds one of them, so a check-in's update of devices stays on its
-- page with no index entry (HOT), and only the four indexes of device_presence that every device is in take an entry.
-- Measured with the writer's statements (groups of 256 over 20,000 devices, pgbench, docs/BENCHMARKS.md 2026-12-02):
-- 29–32 ms of server time per group before, 12–13 ms after, trigger included.
CREATE TABLE device_presence (
    merchant_id   uuid        NOT NULL,
    device_id     uuid        NOT NULL,
    last_seen_at  timestamptz NULL,
    offline_after timestamptz NULL,
    is_online     boolean     NOT NULL,
    -- Copies for the list's walk in last-contact order, which tests them on the index entry or the narrow row.
    status        integer     NOT NULL,
    tamper_state  integer     NOT NULL,
    model         text        NULL,
    app_version   text        NULL,
    PRIMARY KEY (merchant_id, device_id),
    FOREIGN KEY (merchant_id, device_id) REFERENCES devices (merchant_id, id) ON DELETE CASCADE
);
INSERT INTO device_presence (merchant_id, device_id, last_seen_at, offline_after, is_online, status, tamper_state, model, app_version)
SELECT merchant_id, id, last_seen_at, offline_after, is_online, status, tamper_state, model, app_version FROM devices;

-- The indexes devices had (0020, 0076, 0078), now here: the device list in last-contact order, a merchant's and
-- platform-wide, by rare status and tampered; the offline sweep over every merchant's online devices.
CREATE INDEX ix_device_presence_merchant_last_seen ON device_presence (merchant_id, last_seen_at, model, app_version);
CREATE INDEX ix_device_presence_last_seen ON device_presence (last_seen_at);
CREATE INDEX ix_device_presence_merchant_status_not_active ON device_presence (merchant_id, status, last_seen_at) WHERE status <> 1;
CREATE INDEX ix_device_presence_merchant_tampered ON device_presence (merchant_id, last_seen_at) WHERE tamper_state = 1;
CREATE INDEX ix_device_presence_offline_sweep ON device_presence (offline_after) WHERE is_online;

DROP INDEX ix_devices_merchant_last_seen;
DROP INDEX ix_devices_last_seen;
DROP INDEX ix_devices_offline_sweep;
-- A column in any index, even only in a partial index's key or predicate, keeps an update that changes it from being HOT:
-- devices keeps the rare statuses and tampered devices indexed for counts and rare pages, without last contact.
DROP INDEX ix_devices_merchant_status_not_active;
CREATE INDEX ix_devices_merchant_status_not_active ON devices (merchant_id, status) WHERE status <> 1;
DROP INDEX ix_devices_merchant_tampered;
CREATE INDEX ix_devices_merchant_tampered ON devices (merchant_id) WHERE tamper_state = 1;

-- Room on each page for the next version of its rows, so that an update stays on the page. Pages written before this
-- migration get it as they are rewritten (or at once with VACUUM FULL devices, which locks the table while it runs).
ALTER TABLE devices SET (fillfactor = 60);

-- One statement per writing statement, not one per row: a group of 256 check-ins is one UPDATE of devices and one upsert
-- here. Every writer of devices is covered, so no code path can leave the copy behind; a row whose copied columns did not
-- change (a rename, a new store) is matched and left as it is.
CREATE FUNCTION device_presence_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO device_presence AS p (merchant_id, device_id, last_seen_at, offline_after, is_online, status, tamper_state, model, app_version)
    SELECT merchant_id, id, last_seen_at, offline_after, is_online, status, tamper_state, model, app_version FROM changed_devices
    ON CONFLICT (merchant_id, device_id) DO UPDATE
        SET last_seen_at = excluded.last_seen_at, offline_after = excluded.offline_after, is_online = excluded.is_online,
            status = excluded.status, tamper_state = excluded.tamper_state, model = excluded.model, app_version = excluded.app_version
        WHERE (p.last_seen_at, p.offline_after, p.is_online, p.status, p.tamper_state, p.model, p.app_version)
              IS DISTINCT FROM (excluded.last_seen_at, excluded.offline_after, excluded.is_online, excluded.status, excluded.tamper_state,
                                excluded.model, excluded.app_version);
    RETURN NULL;
END
$$;
CREATE TRIGGER tr_devices_presence_insert AFTER INSERT ON devices
    REFERENCING NEW TABLE AS changed_devices FOR EACH STATEMENT EXECUTE FUNCTION device_presence_sync();
CREATE TRIGGER tr_devices_presence_update AFTER UPDATE ON devices
    REFERENCING NEW TABLE AS changed_devices FOR EACH STATEMENT EXECUTE FUNCTION device_presence_sync();
