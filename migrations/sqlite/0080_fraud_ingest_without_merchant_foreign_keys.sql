-- Nothing changes on SQLite. PostgreSQL's 0080 drops the per-row foreign-key check of fraud events and rule hits
-- against merchants (an RI trigger query and a row lock per inserted row, about 40 % of the insert). Here the check is
-- an in-process lookup in the small, cached merchants table, and dropping a constraint would mean rebuilding both
-- tables, so it stays.
SELECT 1;
