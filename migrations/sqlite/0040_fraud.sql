-- Fraud: transaction events (tokens only, never a card number), rule hits with explanations, alerts and per-merchant settings.
CREATE TABLE fraud_events (
    merchant_id    TEXT    NOT NULL REFERENCES merchants (id),
    event_id       TEXT    NOT NULL,
    device_id      TEXT    NOT NULL,
    store_id       TEXT    NULL,
    occurred_at    TEXT    NOT NULL,
    received_at    TEXT    NOT NULL,
    type           INTEGER NOT NULL,
    amount_minor   INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    card_token     TEXT    NOT NULL,
    bin            TEXT    NOT NULL,
    last4          TEXT    NOT NULL,
    entry_mode     INTEGER NOT NULL,
    result         INTEGER NOT NULL,
    response_code  TEXT    NULL,
    latitude       REAL    NULL,
    longitude      REAL    NULL,
    PRIMARY KEY (merchant_id, event_id)
);
CREATE INDEX ix_fraud_events_occurred ON fraud_events (merchant_id, occurred_at);
CREATE INDEX ix_fraud_events_card ON fraud_events (merchant_id, card_token, occurred_at);

CREATE TABLE fraud_alerts (
    merchant_id      TEXT    NOT NULL REFERENCES merchants (id),
    id               TEXT    NOT NULL,
    status           INTEGER NOT NULL,
    severity         INTEGER NOT NULL,
    score            INTEGER NOT NULL,
    device_id        TEXT    NOT NULL,
    store_id         TEXT    NULL,
    card_token       TEXT    NOT NULL,
    bin              TEXT    NOT NULL,
    last4            TEXT    NOT NULL,
    rules            TEXT    NOT NULL,
    summary          TEXT    NOT NULL,
    hit_count        INTEGER NOT NULL,
    first_event_at   TEXT    NOT NULL,
    last_event_at    TEXT    NOT NULL,
    opened_at        TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    assignee_id      TEXT    NULL,
    assignee_name    TEXT    NULL,
    decided_at       TEXT    NULL,
    decided_by_id    TEXT    NULL,
    decided_by_name  TEXT    NULL,
    decision_reason  TEXT    NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_fraud_alerts_id ON fraud_alerts (id);
CREATE INDEX ix_fraud_alerts_status ON fraud_alerts (merchant_id, status, opened_at);

CREATE TABLE fraud_rule_hits (
    merchant_id   TEXT    NOT NULL REFERENCES merchants (id),
    event_id      TEXT    NOT NULL,
    rule_id       TEXT    NOT NULL,
    occurred_at   TEXT    NOT NULL,
    points        INTEGER NOT NULL,
    shadow        INTEGER NOT NULL,
    would_alert   INTEGER NOT NULL,
    explanation   TEXT    NOT NULL,
    alert_id      TEXT    NULL,
    PRIMARY KEY (merchant_id, event_id, rule_id)
);
CREATE INDEX ix_fraud_rule_hits_alert ON fraud_rule_hits (merchant_id, alert_id);
CREATE INDEX ix_fraud_rule_hits_rule ON fraud_rule_hits (merchant_id, rule_id, occurred_at);

CREATE TABLE fraud_settings (
    merchant_id      TEXT    NOT NULL PRIMARY KEY REFERENCES merchants (id),
    alert_threshold  INTEGER NOT NULL,
    join_minutes     INTEGER NOT NULL,
    rules            TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    updated_by_name  TEXT    NULL
);
