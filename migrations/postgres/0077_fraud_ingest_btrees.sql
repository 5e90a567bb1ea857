-- Fraud ingestion writes fewer index entries per event (issue 10, transaction events per second); the same change as
-- SQLite's 0077 where it applies (PostgreSQL tables are heaps, so there is no WITHOUT ROWID counterpart).
-- * ix_fraud_events_card is dropped: no query reads events by card (the scoring state is in memory; the rebuild and the
--   backtester stream by time through ix_fraud_events_occurred; the alert page reads an alert's hits, then events by key).
-- * ix_fraud_rule_hits_alert keeps only hits that belong to an alert: the alert page asks for `alert_id = @Id`, never
--   for hits without an alert, and most hits (shadow rules, events below the threshold) have none.
DROP INDEX ix_fraud_events_card;
DROP INDEX ix_fraud_rule_hits_alert;
CREATE INDEX ix_fraud_rule_hits_alert ON fraud_rule_hits (merchant_id, alert_id) WHERE alert_id IS NOT NULL;
