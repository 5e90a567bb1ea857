-- The tamper-evident audit log: each row's hash covers its content and the previous row's hash,
-- so editing or deleting a row breaks the chain from that row on.
CREATE TABLE audit_log (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           uuid        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    category     text        NOT NULL,
    action       text        NOT NULL,
    outcome      integer     NOT NULL,
    summary      text        NOT NULL,
    actor_id     uuid        NULL,
    actor_name   text        NULL,
    merchant_id  uuid        NULL,
    target_type  text        NULL,
    target_id    text        NULL,
    ip_address   text        NULL,
    user_agent   text        NULL,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL
);
CREATE UNIQUE INDEX ux_audit_log_id ON audit_log (id);
CREATE INDEX ix_audit_log_merchant ON audit_log (merchant_id, seq);
CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX ix_audit_log_category ON audit_log (category, seq);
