-- Fraud events and their rule hits no longer check a foreign key to merchants on PostgreSQL (issue 10, transaction
-- events per second). The check ran once per inserted row (an RI trigger running SELECT ... FROM merchants ... FOR KEY
-- SHARE, which also locks the merchant's row): on this machine's PostgreSQL 15, 200,000 rows through one
-- INSERT ... SELECT took 2.8-3.2 s with it and 1.3-1.9 s without (docs/BENCHMARKS.md, fraud transactions, 2026-12-01).
-- It guarded nothing the code does not: the only writer of these two tables is the ingest loop, which takes the merchant
-- from the calling device's credential (so an existing merchant), and no code path deletes a merchant.
-- SQLite keeps the constraint (its 0080 changes nothing): there the check is an in-process lookup in a small cached
-- table, and dropping a constraint would mean rebuilding both tables.
ALTER TABLE fraud_events DROP CONSTRAINT fraud_events_merchant_id_fkey;
ALTER TABLE fraud_rule_hits DROP CONSTRAINT fraud_rule_hits_merchant_id_fkey;
