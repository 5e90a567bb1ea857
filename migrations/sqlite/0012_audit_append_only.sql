-- SQLite has no database roles to deny UPDATE and DELETE to (the PostgreSQL migration of this number does that);
-- the embedded database is protected by file permissions and the audit log's hash chain detects any change.
SELECT 1;
