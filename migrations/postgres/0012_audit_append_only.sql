-- The audit log is append-only: the portal's own database role may insert and read it, never change or remove rows
-- (PCI DSS 10.3.2). A superuser cannot be denied anything, so under one (a local or test setup) only PUBLIC loses
-- the rights; the hash chain still detects whatever a superuser changes.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM %I', current_user);
    END IF;
END
$$;
