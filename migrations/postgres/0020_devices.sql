-- Devices: enrollment codes, terminals, their check-ins, remote commands and alerts.
-- Keys and tenant indexes start with merchant_id. The few indexes that do not serve one merchant's views: the
-- credential lookup (a terminal only presents its secret), the id lookups, and the platform-wide sweeps
-- (offline detection, command expiry), each commented where it is made.

CREATE TABLE enrollment_codes (
    merchant_id  uuid        NOT NULL,
    id           uuid        NOT NULL,
    store_id     uuid        NOT NULL,
    code_hash    text        NOT NULL,  -- SHA-256 of the normalised code: the code itself is shown once, never stored
    code_hint    text        NOT NULL,  -- the last four characters, so people can tell codes apart
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz NULL,
    device_id    uuid        NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);
-- A terminal presents only the code.
CREATE UNIQUE INDEX ux_enrollment_codes_code_hash ON enrollment_codes (code_hash);
CREATE INDEX ix_enrollment_codes_merchant_created ON enrollment_codes (merchant_id, created_at);

CREATE TABLE devices (
    merchant_id               uuid             NOT NULL REFERENCES merchants (id),
    id                        uuid             NOT NULL,
    store_id                  uuid             NOT NULL,
    serial_number             text             NOT NULL,
    model                     text             NULL,
    manufacturer              text             NULL,
    status                    integer          NOT NULL,
    secret_hash               text             NULL,  -- SHA-256 of the bearer secret; null until enrolled
    os_version                text             NULL,
    firmware_version          text             NULL,
    app_version               text             NULL,
    battery_percent           integer          NULL,
    network_type              text             NULL,
    network_encrypted         boolean          NULL,
    latitude                  double precision NULL,
    longitude                 double precision NULL,
    location_accuracy_m       double precision NULL,
    distance_from_store_m     double precision NULL,
    tamper_state              integer          NOT NULL DEFAULT 0,
    tamper_detail             text             NULL,
    rooted                    boolean          NULL,
    p2pe_keys_loaded          boolean          NULL,
    check_in_interval_seconds integer          NOT NULL,
    is_online                 boolean          NOT NULL DEFAULT false,
    offline_after             timestamptz      NULL,  -- last check-in + 3 intervals
    enrolled_at               timestamptz      NULL,
    last_seen_at              timestamptz      NULL,
    created_at                timestamptz      NOT NULL,
    updated_at                timestamptz      NOT NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, store_id) REFERENCES stores (merchant_id, id)
);
CREATE UNIQUE INDEX ux_devices_id ON devices (id);
-- The bearer credential lookup: a terminal presents only its secret.
CREATE UNIQUE INDEX ux_devices_secret_hash ON devices (secret_hash) WHERE secret_hash IS NOT NULL;
CREATE UNIQUE INDEX ux_devices_merchant_serial ON devices (merchant_id, serial_number);
-- Prefix search by serial within a merchant and, for platform staff, across merchants (text_pattern_ops: LIKE 'X%' uses it in any collation).
CREATE INDEX ix_devices_merchant_serial_prefix ON devices (merchant_id, serial_number text_pattern_ops);
CREATE INDEX ix_devices_serial_prefix ON devices (serial_number text_pattern_ops);
CREATE INDEX ix_devices_merchant_last_seen ON devices (merchant_id, last_seen_at);
CREATE INDEX ix_devices_merchant_status ON devices (merchant_id, status, last_seen_at);
CREATE INDEX ix_devices_merchant_store ON devices (merchant_id, store_id, last_seen_at);
CREATE INDEX ix_devices_merchant_model ON devices (merchant_id, model);
CREATE INDEX ix_devices_merchant_app_version ON devices (merchant_id, app_version);
CREATE INDEX ix_devices_merchant_tampered ON devices (merchant_id, last_seen_at) WHERE tamper_state = 1;
-- Platform-wide list sorted by last contact (platform staff see every merchant).
CREATE INDEX ix_devices_last_seen ON devices (last_seen_at);
-- The offline sweep looks at every merchant's online devices whose deadline passed.
CREATE INDEX ix_devices_offline_sweep ON devices (offline_after) WHERE is_online;

CREATE TABLE device_check_ins (
    merchant_id         uuid             NOT NULL,
    id                  uuid             NOT NULL,
    device_id           uuid             NOT NULL,
    received_at         timestamptz      NOT NULL,
    os_version          text             NOT NULL,
    firmware_version    text             NOT NULL,
    app_version         text             NOT NULL,
    battery_percent     integer          NOT NULL,
    network_type        text             NOT NULL,
    network_encrypted   boolean          NOT NULL,
    latitude            double precision NULL,
    longitude           double precision NULL,
    location_accuracy_m double precision NULL,
    tamper_state        integer          NOT NULL,
    tamper_detail       text             NULL,
    rooted              boolean          NULL,
    p2pe_keys_loaded    boolean          NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE INDEX ix_device_check_ins_device ON device_check_ins (merchant_id, device_id, received_at);

CREATE TABLE device_commands (
    merchant_id    uuid        NOT NULL,
    id             uuid        NOT NULL,
    device_id      uuid        NOT NULL,
    type           integer     NOT NULL,
    status         integer     NOT NULL,
    issued_by_id   uuid        NULL,
    issued_by_name text        NOT NULL,
    issued_at      timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    delivered_at   timestamptz NULL,
    completed_at   timestamptz NULL,
    result_detail  text        NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, device_id) REFERENCES devices (merchant_id, id)
);
CREATE UNIQUE INDEX ux_device_commands_id ON device_commands (id);
CREATE INDEX ix_device_commands_device ON device_commands (merchant_id, device_id, issued_at);
-- Check-in looks for a device's open commands; the expiry sweep for every merchant's open commands past their deadline.
CREATE INDEX ix_device_commands_open ON device_commands (merchant_id, device_id) WHERE status IN (0, 1);
CREATE INDEX ix_device_commands_expiry ON device_commands (expires_at) WHERE status IN (0, 1);

CREATE TABLE device_alerts (
    merchant_id  uuid        NOT NULL,
    id           uuid        NOT NULL,
    device_id    uuid        NOT NULL,
    kind         integer     NOT NULL,
    detail       text        NOT NULL,
    raised_at    timestamptz NOT NULL,
    resolved_at  timestamptz NULL,
    resolved_by  text        NULL,
    PRIMARY KEY (merchant_id, id),
    FOREIGN KEY (merchant_id, device_id) REFERENCES devices (merchant_id, id)
);
CREATE INDEX ix_device_alerts_device ON device_alerts (merchant_id, device_id, raised_at);
CREATE INDEX ix_device_alerts_open ON device_alerts (merchant_id, kind) WHERE resolved_at IS NULL;
