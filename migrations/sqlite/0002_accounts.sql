-- Accounts: people, their WebAuthn credentials, server-side sessions, pending WebAuthn ceremonies,
-- recovery codes and one-time tokens (first-start setup, enrollment links). Secrets are stored only as hashes.
CREATE TABLE people (
    id                 TEXT    NOT NULL PRIMARY KEY,
    email              TEXT    NOT NULL CHECK (email = lower(email)),
    display_name       TEXT    NOT NULL,
    is_platform_admin  INTEGER NOT NULL DEFAULT 0 CHECK (is_platform_admin IN (0, 1)),
    status             TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash      TEXT    NULL,
    failed_sign_ins    INTEGER NOT NULL DEFAULT 0,
    locked_until       TEXT    NULL,
    created_at         TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_people_email ON people (email);

CREATE TABLE webauthn_credentials (
    id                  TEXT    NOT NULL PRIMARY KEY,
    person_id           TEXT    NOT NULL REFERENCES people (id),
    credential_id       BLOB    NOT NULL,
    public_key          BLOB    NOT NULL,
    sign_count          INTEGER NOT NULL,
    name                TEXT    NOT NULL,
    aaguid              TEXT    NOT NULL,
    is_backup_eligible  INTEGER NOT NULL CHECK (is_backup_eligible IN (0, 1)),
    is_backed_up        INTEGER NOT NULL CHECK (is_backed_up IN (0, 1)),
    created_at          TEXT    NOT NULL,
    last_used_at        TEXT    NULL
);
CREATE UNIQUE INDEX ux_webauthn_credentials_credential_id ON webauthn_credentials (credential_id);
CREATE INDEX ix_webauthn_credentials_person ON webauthn_credentials (person_id);

CREATE TABLE portal_sessions (
    id                 TEXT NOT NULL PRIMARY KEY,
    token_hash         TEXT NOT NULL,
    person_id          TEXT NOT NULL REFERENCES people (id),
    level              TEXT NOT NULL CHECK (level IN ('second-factor', 'enroll', 'full')),
    created_at         TEXT NOT NULL,
    last_seen_at       TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    last_assertion_at  TEXT NULL,
    ended_at           TEXT NULL,
    end_reason         TEXT NULL,
    ip_address         TEXT NULL,
    user_agent         TEXT NULL
);
CREATE UNIQUE INDEX ux_portal_sessions_token_hash ON portal_sessions (token_hash);
CREATE INDEX ix_portal_sessions_person ON portal_sessions (person_id);

CREATE TABLE webauthn_requests (
    id          TEXT NOT NULL PRIMARY KEY,
    purpose     TEXT NOT NULL,
    person_id   TEXT NULL REFERENCES people (id),
    session_id  TEXT NULL,
    options     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX ix_webauthn_requests_expires ON webauthn_requests (expires_at);

CREATE TABLE recovery_codes (
    id          TEXT NOT NULL PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    code_hash   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT NULL
);
CREATE INDEX ix_recovery_codes_person ON recovery_codes (person_id);

CREATE TABLE account_tokens (
    token_hash  TEXT NOT NULL PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('setup', 'enrollment')),
    person_id   TEXT NULL REFERENCES people (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT NULL
);
