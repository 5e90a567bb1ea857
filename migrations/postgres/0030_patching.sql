-- Patching: the platform-wide releases catalogue, merchant patch policies with their life cycle and rollout state,
-- and the per-device install outcomes terminals report.

-- Releases describe vendor software (an OS build, a firmware image, the payment app) that is the same for every
-- merchant, so the catalogue is platform-wide and kept by platform admins: no merchant_id.
-- models and cve_ids hold JSON arrays of strings (read in C#; LIKE finds a CVE id).
CREATE TABLE patch_releases (
    id               uuid        NOT NULL PRIMARY KEY,
    component        integer     NOT NULL CHECK (component BETWEEN 1 AND 3),
    version          text        NOT NULL,
    severity         integer     NOT NULL CHECK (severity BETWEEN 1 AND 4),
    released_at      timestamptz NOT NULL,
    models           text        NOT NULL,
    cve_ids          text        NOT NULL,
    notes            text        NULL,
    created_by_id    uuid        NULL,
    created_by_name  text        NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_patch_releases_component_version ON patch_releases (component, version);
CREATE INDEX ix_patch_releases_released_at ON patch_releases (released_at);

-- definition is the JSON document an author edits (target, requirements, window, rings, deadline, grace, action);
-- the life cycle, the people behind it and the rollout state are columns beside it.
CREATE TABLE patch_policies (
    merchant_id        uuid        NOT NULL REFERENCES merchants (id),
    id                 uuid        NOT NULL,
    name               text        NOT NULL,
    status             integer     NOT NULL CHECK (status BETWEEN 1 AND 6),
    definition         jsonb       NOT NULL,
    created_by_id      uuid        NULL,
    created_by_name    text        NOT NULL,
    edited_by_id       uuid        NULL,
    edited_by_name     text        NOT NULL,
    submitted_by_id    uuid        NULL,
    submitted_by_name  text        NULL,
    submitted_at       timestamptz NULL,
    approved_by_id     uuid        NULL,
    approved_by_name   text        NULL,
    activated_at       timestamptz NULL,
    ring_index         integer     NOT NULL DEFAULT 0,
    ring_started_at    timestamptz NULL,
    rollout_phase      integer     NOT NULL DEFAULT 1,
    halt_reason        text        NULL,
    outcomes_since     timestamptz NULL,
    status_reason      text        NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    row_version        integer     NOT NULL DEFAULT 1,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_patch_policies_id ON patch_policies (id);
CREATE INDEX ix_patch_policies_merchant_status ON patch_policies (merchant_id, status);
CREATE INDEX ix_patch_policies_status ON patch_policies (status);

-- One row per install attempt a terminal reported. id is the report's own id (idempotency: a retried report is
-- not counted twice). Devices writes here through PatchInstallLedger, never with SQL of its own.
CREATE TABLE patch_install_reports (
    merchant_id  uuid        NOT NULL REFERENCES merchants (id),
    id           uuid        NOT NULL,
    device_id    uuid        NOT NULL,
    component    integer     NOT NULL CHECK (component BETWEEN 1 AND 3),
    version      text        NOT NULL,
    succeeded    boolean     NOT NULL,
    detail       text        NULL,
    policy_id    uuid        NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE INDEX ix_patch_install_reports_device ON patch_install_reports (merchant_id, device_id, component, occurred_at);
CREATE INDEX ix_patch_install_reports_occurred ON patch_install_reports (merchant_id, occurred_at);
