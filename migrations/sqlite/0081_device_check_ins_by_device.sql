-- A check-in wrote its history row into three B-trees: the table (by rowid), the primary key (merchant_id, id) and
-- ix_device_check_ins_device (merchant_id, device_id, received_at), the only order anything reads the history in (a
-- device's check-ins, newest first). Stored WITHOUT ROWID in that order, the row goes into one B-tree, at the end of
-- its device's run. bench/checkin-wal-probe, 300 merchants, devices in random order, eight check-ins per device already
-- stored, app version left out of the device UPDATE: 20,147 → 16,008 WAL bytes per check-in (docs/BENCHMARKS.md,
-- update 2026-12-01 16:07–17:25). The id stays last in the key and unique by construction (a new Guid per row), so two
-- check-ins of a device received in the same instant are both kept.
CREATE TABLE device_check_ins_by_device (
    merchant_id         TEXT             NOT NULL,
    device_id           TEXT             NOT NULL,
    received_at         TEXT      NOT NULL,
    id                  TEXT             NOT NULL,
    os_version          TEXT             NOT NULL,
    firmware_version    TEXT             NOT NULL,
    app_version         TEXT             NOT NULL,
    battery_percent     INTEGER          NOT NULL,
    network_type        TEXT             NOT NULL,
    network_encrypted   INTEGER          NOT NULL,
    latitude            REAL NULL,
    longitude           REAL NULL,
    location_accuracy_m REAL NULL,
    tamper_state        INTEGER          NOT NULL,
    tamper_detail       TEXT             NULL,
    rooted              INTEGER          NULL,
    p2pe_keys_loaded    INTEGER          NULL,
    idempotency_key     TEXT NULL,
    PRIMARY KEY (merchant_id, device_id, received_at, id)
) WITHOUT ROWID;

INSERT INTO device_check_ins_by_device (merchant_id, device_id, received_at, id, os_version, firmware_version, app_version, battery_percent,
                                        network_type, network_encrypted, latitude, longitude, location_accuracy_m, tamper_state,
                                        tamper_detail, rooted, p2pe_keys_loaded, idempotency_key)
SELECT merchant_id, device_id, received_at, id, os_version, firmware_version, app_version, battery_percent,
       network_type, network_encrypted, latitude, longitude, location_accuracy_m, tamper_state,
       tamper_detail, rooted, p2pe_keys_loaded, idempotency_key
FROM device_check_ins;

DROP TABLE device_check_ins;
ALTER TABLE device_check_ins_by_device RENAME TO device_check_ins;

-- As in 0023: a resent check-in's key conflicts here; the key sweep finds the rows still holding a key.
CREATE UNIQUE INDEX ux_device_check_ins_idempotency ON device_check_ins (merchant_id, device_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_device_check_ins_key_expiry ON device_check_ins (received_at) WHERE idempotency_key IS NOT NULL;
