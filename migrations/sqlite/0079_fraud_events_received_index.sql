-- Fraud events are found by merchant and *receive* time instead of occurred time (issue 10, transaction events per
-- second). The (merchant_id, occurred_at) index took an insert at a random place for nearly every event: terminals'
-- batches cover the same hours concurrently (and offline terminals upload late), so each event dirtied its own index
-- page, written to the WAL at commit and again at the checkpoint, and more so the larger the table. All events of a
-- request share their receive time, which only grows, so (merchant_id, received_at) appends. Measured with an
-- engine-only probe (4,000 terminals, 200,000 events, docs/BENCHMARKS.md, fraud transactions): 3,645 bytes written per
-- event with the occurred-time index, 929 with this one in its place.
-- Its readers (the state rebuild, the backtester and its count; FraudEventStore.StreamAsync / CountAsync) now replay in
-- arrival order (received_at, occurred_at, event_id) and still select "occurred since": the validator keeps occurred_at
-- within [received - 30 days, received + 10 minutes], so received_at >= since - 10 minutes bounds the index range.
DROP INDEX ix_fraud_events_occurred;
CREATE INDEX ix_fraud_events_received ON fraud_events (merchant_id, received_at);
