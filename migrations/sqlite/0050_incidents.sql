-- Incidents: tickets with a NIST SP 800-61 workflow, SLA deadlines, links to devices and fraud alerts, and a timeline.
CREATE TABLE incidents (
    merchant_id          TEXT    NOT NULL REFERENCES merchants (id),
    id                   TEXT    NOT NULL,
    title                TEXT    NOT NULL,
    type                 INTEGER NOT NULL,
    severity             INTEGER NOT NULL,
    status               INTEGER NOT NULL,
    source               INTEGER NOT NULL,
    source_key           TEXT    NULL,
    description          TEXT    NOT NULL,
    reporter_id          TEXT    NULL,
    reporter_name        TEXT    NOT NULL,
    assignee_id          TEXT    NULL,
    assignee_name        TEXT    NULL,
    opened_at            TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    acknowledged_at      TEXT    NULL,
    closed_at            TEXT    NULL,
    acknowledge_due_at   TEXT    NOT NULL,
    resolve_due_at       TEXT    NOT NULL,
    acknowledge_warn_at  TEXT    NOT NULL,
    resolve_warn_at      TEXT    NOT NULL,
    acknowledge_breached_at TEXT NULL,
    resolve_breached_at  TEXT    NULL,
    escalation_level     INTEGER NOT NULL,
    resolution_summary   TEXT    NULL,
    root_cause           TEXT    NULL,
    version              INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_incidents_id ON incidents (id);
CREATE INDEX ix_incidents_status ON incidents (merchant_id, status, opened_at);
CREATE INDEX ix_incidents_assignee ON incidents (merchant_id, assignee_id, status);
-- One incident per automatic source event (a tamper alert, a cloned key); NULL for reported incidents.
CREATE UNIQUE INDEX ux_incidents_source ON incidents (merchant_id, source_key);

CREATE TABLE incident_links (
    merchant_id     TEXT    NOT NULL REFERENCES merchants (id),
    incident_id     TEXT    NOT NULL,
    kind            INTEGER NOT NULL,
    target_id       TEXT    NOT NULL,
    label           TEXT    NOT NULL,
    linked_at       TEXT    NOT NULL,
    linked_by_name  TEXT    NOT NULL,
    PRIMARY KEY (merchant_id, incident_id, kind, target_id),
    FOREIGN KEY (merchant_id, incident_id) REFERENCES incidents (merchant_id, id)
);
CREATE INDEX ix_incident_links_target ON incident_links (merchant_id, kind, target_id);

CREATE TABLE incident_timeline (
    merchant_id   TEXT    NOT NULL REFERENCES merchants (id),
    incident_id   TEXT    NOT NULL,
    position      INTEGER NOT NULL,
    at            TEXT    NOT NULL,
    kind          INTEGER NOT NULL,
    actor_id      TEXT    NULL,
    actor_name    TEXT    NOT NULL,
    from_value    TEXT    NULL,
    to_value      TEXT    NULL,
    body          TEXT    NULL,
    PRIMARY KEY (merchant_id, incident_id, position),
    FOREIGN KEY (merchant_id, incident_id) REFERENCES incidents (merchant_id, id)
);
