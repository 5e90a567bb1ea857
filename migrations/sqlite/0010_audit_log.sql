-- The tamper-evident audit log: each row's hash covers its content and the previous row's hash,
-- so editing or deleting a row breaks the chain from that row on.
CREATE TABLE audit_log (
    seq          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL,
    occurred_at  TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    outcome      INTEGER NOT NULL,
    summary      TEXT    NOT NULL,
    actor_id     TEXT    NULL,
    actor_name   TEXT    NULL,
    merchant_id  TEXT    NULL,
    target_type  TEXT    NULL,
    target_id    TEXT    NULL,
    ip_address   TEXT    NULL,
    user_agent   TEXT    NULL,
    prev_hash    TEXT    NOT NULL,
    hash         TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_audit_log_id ON audit_log (id);
CREATE INDEX ix_audit_log_merchant ON audit_log (merchant_id, seq);
CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX ix_audit_log_category ON audit_log (category, seq);
