-- Fraud ingestion writes fewer index entries per event (issue 10, transaction events per second). Every event wrote a
-- row and three index entries, every rule hit a row and three more, one at a time inside the single ingest loop.
-- * ix_fraud_events_card is dropped: no query reads events by card (the scoring state is in memory; the rebuild and the
--   backtester stream by time through ix_fraud_events_occurred; the alert page reads an alert's hits, then events by key).
--   It took one random insert per event (card tokens are random).
-- * ix_fraud_rule_hits_alert keeps only hits that belong to an alert: the alert page asks for `alert_id = @Id`, never
--   for hits without an alert, and most hits (shadow rules, events below the threshold) have none.
-- Tried and not taken: fraud_events / fraud_rule_hits as WITHOUT ROWID tables. One b-tree fewer per row, but the whole
-- row then goes to a random place by event id (terminals send random UUIDs) instead of appending: 28-30 -> 41 us of
-- engine CPU per event in a probe (docs/BENCHMARKS.md, fraud transactions).
DROP INDEX ix_fraud_events_card;
DROP INDEX ix_fraud_rule_hits_alert;
CREATE INDEX ix_fraud_rule_hits_alert ON fraud_rule_hits (merchant_id, alert_id) WHERE alert_id IS NOT NULL;
