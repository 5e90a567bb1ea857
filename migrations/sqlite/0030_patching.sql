-- Patching: the platform-wide releases catalogue, merchant patch policies with their life cycle and rollout state,
-- and the per-device install outcomes terminals report.

-- Releases describe vendor software (an OS build, a firmware image, the payment app) that is the same for every
-- merchant, so the catalogue is platform-wide and kept by platform admins: no merchant_id.
-- models and cve_ids hold JSON arrays of strings (read in C#; LIKE finds a CVE id).
CREATE TABLE patch_releases (
    id               TEXT    NOT NULL PRIMARY KEY,
    component        INTEGER NOT NULL CHECK (component BETWEEN 1 AND 3),
    version          TEXT    NOT NULL,
    severity         INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    released_at      TEXT    NOT NULL,
    models           TEXT    NOT NULL,
    cve_ids          TEXT    NOT NULL,
    notes            TEXT    NULL,
    created_by_id    TEXT    NULL,
    created_by_name  TEXT    NOT NULL,
    created_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_patch_releases_component_version ON patch_releases (component, version);
CREATE INDEX ix_patch_releases_released_at ON patch_releases (released_at);

-- definition is the JSON document an author edits (target, requirements, window, rings, deadline, grace, action);
-- the life cycle, the people behind it and the rollout state are columns beside it.
CREATE TABLE patch_policies (
    merchant_id        TEXT    NOT NULL REFERENCES merchants (id),
    id                 TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    status             INTEGER NOT NULL CHECK (status BETWEEN 1 AND 6),
    definition         TEXT    NOT NULL,
    created_by_id      TEXT    NULL,
    created_by_name    TEXT    NOT NULL,
    edited_by_id       TEXT    NULL,
    edited_by_name     TEXT    NOT NULL,
    submitted_by_id    TEXT    NULL,
    submitted_by_name  TEXT    NULL,
    submitted_at       TEXT    NULL,
    approved_by_id     TEXT    NULL,
    approved_by_name   TEXT    NULL,
    activated_at       TEXT    NULL,
    ring_index         INTEGER NOT NULL DEFAULT 0,
    ring_started_at    TEXT    NULL,
    rollout_phase      INTEGER NOT NULL DEFAULT 1,
    halt_reason        TEXT    NULL,
    outcomes_since     TEXT    NULL,
    status_reason      TEXT    NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    row_version        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_patch_policies_id ON patch_policies (id);
CREATE INDEX ix_patch_policies_merchant_status ON patch_policies (merchant_id, status);
CREATE INDEX ix_patch_policies_status ON patch_policies (status);

-- One row per install attempt a terminal reported. id is the report's own id (idempotency: a retried report is
-- not counted twice). Devices writes here through PatchInstallLedger, never with SQL of its own.
CREATE TABLE patch_install_reports (
    merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
    id           TEXT    NOT NULL,
    device_id    TEXT    NOT NULL,
    component    INTEGER NOT NULL CHECK (component BETWEEN 1 AND 3),
    version      TEXT    NOT NULL,
    succeeded    INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
    detail       TEXT    NULL,
    policy_id    TEXT    NULL,
    occurred_at  TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE INDEX ix_patch_install_reports_device ON patch_install_reports (merchant_id, device_id, component, occurred_at);
CREATE INDEX ix_patch_install_reports_occurred ON patch_install_reports (merchant_id, occurred_at);
