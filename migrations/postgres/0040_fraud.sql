-- Fraud: transaction events (tokens only, never a card number), rule hits with explanations, alerts and per-merchant settings.
CREATE TABLE fraud_events (
    merchant_id    uuid        NOT NULL REFERENCES merchants (id),
    event_id       text    NOT NULL,
    device_id      uuid       NOT NULL,
    store_id       uuid       NULL,
    occurred_at    timestamptz    NOT NULL,
    received_at    timestamptz    NOT NULL,
    type           integer NOT NULL,
    amount_minor   bigint  NOT NULL,
    currency       text    NOT NULL,
    card_token     text    NOT NULL,
    bin            text    NOT NULL,
    last4          text    NOT NULL,
    entry_mode     integer NOT NULL,
    result         integer NOT NULL,
    response_code  text    NULL,
    latitude       double precision    NULL,
    longitude      double precision    NULL,
    PRIMARY KEY (merchant_id, event_id)
);
CREATE INDEX ix_fraud_events_occurred ON fraud_events (merchant_id, occurred_at);
CREATE INDEX ix_fraud_events_card ON fraud_events (merchant_id, card_token, occurred_at);

CREATE TABLE fraud_alerts (
    merchant_id      uuid        NOT NULL REFERENCES merchants (id),
    id               uuid       NOT NULL,
    status           integer NOT NULL,
    severity         integer NOT NULL,
    score            integer NOT NULL,
    device_id        uuid       NOT NULL,
    store_id         uuid       NULL,
    card_token       text    NOT NULL,
    bin              text    NOT NULL,
    last4            text    NOT NULL,
    rules            text    NOT NULL,
    summary          text    NOT NULL,
    hit_count        integer NOT NULL,
    first_event_at   timestamptz    NOT NULL,
    last_event_at    timestamptz    NOT NULL,
    opened_at        timestamptz    NOT NULL,
    updated_at       timestamptz    NOT NULL,
    assignee_id      uuid       NULL,
    assignee_name    text    NULL,
    decided_at       timestamptz    NULL,
    decided_by_id    uuid       NULL,
    decided_by_name  text    NULL,
    decision_reason  text    NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_fraud_alerts_id ON fraud_alerts (id);
CREATE INDEX ix_fraud_alerts_status ON fraud_alerts (merchant_id, status, opened_at);

CREATE TABLE fraud_rule_hits (
    merchant_id   uuid        NOT NULL REFERENCES merchants (id),
    event_id      text    NOT NULL,
    rule_id       text    NOT NULL,
    occurred_at   timestamptz    NOT NULL,
    points        integer NOT NULL,
    shadow        boolean NOT NULL,
    would_alert   boolean NOT NULL,
    explanation   text    NOT NULL,
    alert_id      uuid       NULL,
    PRIMARY KEY (merchant_id, event_id, rule_id)
);
CREATE INDEX ix_fraud_rule_hits_alert ON fraud_rule_hits (merchant_id, alert_id);
CREATE INDEX ix_fraud_rule_hits_rule ON fraud_rule_hits (merchant_id, rule_id, occurred_at);

CREATE TABLE fraud_settings (
    merchant_id      uuid    NOT NULL PRIMARY KEY REFERENCES merchants (id),
    alert_threshold  integer NOT NULL,
    join_minutes     integer NOT NULL,
    rules            jsonb   NOT NULL,
    updated_at       timestamptz    NOT NULL,
    updated_by_name  text    NULL
);
