-- Incidents: tickets with a NIST SP 800-61 workflow, SLA deadlines, links to devices and fraud alerts, and a timeline.
CREATE TABLE incidents (
    merchant_id          uuid    NOT NULL REFERENCES merchants (id),
    id                   uuid    NOT NULL,
    title                text    NOT NULL,
    type                 integer NOT NULL,
    severity             integer NOT NULL,
    status               integer NOT NULL,
    source               integer NOT NULL,
    source_key           text    NULL,
    description          text    NOT NULL,
    reporter_id          uuid    NULL,
    reporter_name        text    NOT NULL,
    assignee_id          uuid    NULL,
    assignee_name        text    NULL,
    opened_at            timestamptz    NOT NULL,
    updated_at           timestamptz    NOT NULL,
    acknowledged_at      timestamptz    NULL,
    closed_at            timestamptz    NULL,
    acknowledge_due_at   timestamptz    NOT NULL,
    resolve_due_at       timestamptz    NOT NULL,
    acknowledge_warn_at  timestamptz    NOT NULL,
    resolve_warn_at      timestamptz    NOT NULL,
    acknowledge_breached_at timestamptz NULL,
    resolve_breached_at  timestamptz    NULL,
    escalation_level     integer NOT NULL,
    resolution_summary   text    NULL,
    root_cause           text    NULL,
    version              integer NOT NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_incidents_id ON incidents (id);
CREATE INDEX ix_incidents_status ON incidents (merchant_id, status, opened_at);
CREATE INDEX ix_incidents_assignee ON incidents (merchant_id, assignee_id, status);
-- One incident per automatic source event (a tamper alert, a cloned key); NULL for reported incidents.
CREATE UNIQUE INDEX ux_incidents_source ON incidents (merchant_id, source_key);

CREATE TABLE incident_links (
    merchant_id     uuid    NOT NULL REFERENCES merchants (id),
    incident_id     uuid    NOT NULL,
    kind            integer NOT NULL,
    target_id       uuid    NOT NULL,
    label           text    NOT NULL,
    linked_at       timestamptz    NOT NULL,
    linked_by_name  text    NOT NULL,
    PRIMARY KEY (merchant_id, incident_id, kind, target_id),
    FOREIGN KEY (merchant_id, incident_id) REFERENCES incidents (merchant_id, id)
);
CREATE INDEX ix_incident_links_target ON incident_links (merchant_id, kind, target_id);

CREATE TABLE incident_timeline (
    merchant_id   uuid    NOT NULL REFERENCES merchants (id),
    incident_id   uuid    NOT NULL,
    position      integer NOT NULL,
    at            timestamptz    NOT NULL,
    kind          integer NOT NULL,
    actor_id      uuid    NULL,
    actor_name    text    NOT NULL,
    from_value    text    NULL,
    to_value      text    NULL,
    body          text    NULL,
    PRIMARY KEY (merchant_id, incident_id, position),
    FOREIGN KEY (merchant_id, incident_id) REFERENCES incidents (merchant_id, id)
);
