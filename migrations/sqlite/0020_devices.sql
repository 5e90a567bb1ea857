-- Devices: enrollment codes, terminals, their check-ins, remote commands and alerts.
-- Keys and tenant indexes start with merchant_id. The few indexes that do not serve one merchant's views: the
-- credential lookup (a terminal only presents its secret), the id lookups, and the platform-wide sweeps
-- (offline detection, command expiry), each commented where it is made.

CREATE TABLE enrollment_codes (
    merchant_id  TEXT        NOT NULL,
    id           TEXT        NOT NULL,
    store_id     TEXT        NOT NULL,
    code_hash    TEXT        NOT NULL,  -- SHA-256 of the normalised code: the code itself is shown once, never stored
    code_hint    TEXT        NOT NULL,  -- the last four characters, so people can tell codes apart
    created_by   TEXT        NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT NULL,
    device_id    TEXT        NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);
-- A terminal presents only the code.
CREATE UNIQUE INDEX ux_enrollment_codes_code_hash ON enrollment_codes (code_hash);
CREATE INDEX ix_enrollment_codes_merchant_created ON enrollment_codes (merchant_id, created_at);

CREATE TABLE devices (
    merchant_id               TEXT             NOT NULL REFERENCES merchants (id),
    id                        TEXT             NOT NULL,
    store_id                  TEXT             NOT NULL,
    serial_number             TEXT             NOT NULL,
    model                     TEXT             NULL,
    manufacturer              TEXT             NULL,
    status                    INTEGER          NOT NULL,
    secret_hash               TEXT             NULL,  -- SHA-256 of the bearer secret; null until enrolled
    os_version                TEXT             NULL,
    firmware_version          TEXT             NULL,
    app_version               TEXT             NULL,
    battery_percent           INTEGER          NULL,
    network_type              TEXT             NULL,
    network_encrypted         INTEGER          NULL,
    latitude                  REAL NULL,
    longitude                 REAL NULL,
    location_accuracy_m       REAL NULL,
    distance_from_store_m     REAL NULL,
    tamper_state              INTEGER          NOT NULL DEFAULT 0,
    tamper_detail             TEXT             NULL,
    rooted                    INTEGER          NULL,
    p2pe_keys_loaded          INTEGER          NULL,
    check_in_interval_seconds INTEGER          NOT NULL,
    is_online                 INTEGER          NOT NULL DEFAULT 0,
    offline_after             TEXT      NULL,  -- last check-in + 3 intervals
    enrolled_at               TEXT      NULL,
    last_seen_at              TEXT      NULL,
    created_at                TEXT      NOT NULL,
    updated_at                TEXT      NOT NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);
CREATE UNIQUE INDEX ux_devices_id ON devices (id);
-- The bearer credential lookup: a terminal presents only its secret.
CREATE UNIQUE INDEX ux_devices_secret_hash ON devices (secret_hash) WHERE secret_hash IS NOT NULL;
CREATE UNIQUE INDEX ux_devices_merchant_serial ON devices (merchant_id, serial_number);
-- Prefix search by serial within a merchant and, for platform staff, across merchants (GLOB 'X*' uses these: binary collation).
CREATE INDEX ix_devices_serial_prefix ON devices (serial_number);
CREATE INDEX ix_devices_merchant_last_seen ON devices (merchant_id, last_seen_at);
CREATE INDEX ix_devices_merchant_status ON devices (merchant_id, status, last_seen_at);
CREATE INDEX ix_devices_merchant_store ON devices (merchant_id, store_id, last_seen_at);
CREATE INDEX ix_devices_merchant_model ON devices (merchant_id, model);
CREATE INDEX ix_devices_merchant_app_version ON devices (merchant_id, app_version);
CREATE INDEX ix_devices_merchant_tampered ON devices (merchant_id, last_seen_at) WHERE tamper_state = 1;
-- Platform-wide list sorted by last contact (platform staff see every merchant).
CREATE INDEX ix_devices_last_seen ON devices (last_seen_at);
-- The offline sweep looks at every merchant's online devices whose deadline passed.
CREATE INDEX ix_devices_offline_sweep ON devices (offline_after) WHERE is_online = 1;

CREATE TABLE device_check_ins (
    merchant_id         TEXT             NOT NULL,
    id                  TEXT             NOT NULL,
    device_id           TEXT             NOT NULL,
    received_at         TEXT      NOT NULL,
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
    PRIMARY KEY (merchant_id, id)
);
CREATE INDEX ix_device_check_ins_device ON device_check_ins (merchant_id, device_id, received_at);

CREATE TABLE device_commands (
    merchant_id    TEXT        NOT NULL,
    id             TEXT        NOT NULL,
    device_id      TEXT        NOT NULL,
    type           INTEGER     NOT NULL,
    status         INTEGER     NOT NULL,
    issued_by_id   TEXT        NULL,
    issued_by_name TEXT        NOT NULL,
    issued_at      TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    delivered_at   TEXT NULL,
    completed_at   TEXT NULL,
    result_detail  TEXT        NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, device_id) REFERENCES devices (merchant_id, id)
);
CREATE UNIQUE INDEX ux_device_commands_id ON device_commands (id);
CREATE INDEX ix_device_commands_device ON device_commands (merchant_id, device_id, issued_at);
-- Check-in looks for a device's open commands; the expiry sweep for every merchant's open commands past their deadline.
CREATE INDEX ix_device_commands_open ON device_commands (merchant_id, device_id) WHERE status IN (0, 1);
CREATE INDEX ix_device_commands_expiry ON device_commands (expires_at) WHERE status IN (0, 1);

CREATE TABLE device_alerts (
    merchant_id  TEXT        NOT NULL,
    id           TEXT        NOT NULL,
    device_id    TEXT        NOT NULL,
    kind         INTEGER     NOT NULL,
    detail       TEXT        NOT NULL,
    raised_at    TEXT NOT NULL,
    resolved_at  TEXT NULL,
    resolved_by  TEXT        NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, device_id) REFERENCES devices (merchant_id, id)
);
CREATE INDEX ix_device_alerts_device ON device_alerts (merchant_id, device_id, raised_at);
CREATE INDEX ix_device_alerts_open ON device_alerts (merchant_id, kind) WHERE resolved_at IS NULL;
