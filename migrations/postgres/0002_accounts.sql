-- Accounts: people, their WebAuthn credentials, server-side sessions, pending WebAuthn ceremonies,
-- recovery codes and one-time tokens (first-start setup, enrollment links). Secrets are stored only as hashes.
CREATE TABLE people (
    id                 uuid    NOT NULL PRIMARY KEY,
    email              text    NOT NULL CHECK (email = lower(email)),
    display_name       text NOT NULL,
    is_platform_admin  boolean NOT NULL DEFAULT false,
    status             text    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash      text NULL,
    failed_sign_ins    integer NOT NULL DEFAULT 0,
    locked_until       timestamptz NULL,
    created_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_people_email ON people (email);

CREATE TABLE webauthn_credentials (
    id                  uuid    NOT NULL PRIMARY KEY,
    person_id           uuid    NOT NULL REFERENCES people (id),
    credential_id       bytea NOT NULL,
    public_key          bytea NOT NULL,
    sign_count          bigint  NOT NULL,
    name                text NOT NULL,
    aaguid              uuid NOT NULL,
    is_backup_eligible  boolean NOT NULL,
    is_backed_up        boolean NOT NULL,
    created_at          timestamptz NOT NULL,
    last_used_at        timestamptz NULL
);
CREATE UNIQUE INDEX ux_webauthn_credentials_credential_id ON webauthn_credentials (credential_id);
CREATE INDEX ix_webauthn_credentials_person ON webauthn_credentials (person_id);

CREATE TABLE portal_sessions (
    id                 uuid NOT NULL PRIMARY KEY,
    token_hash         text NOT NULL,
    person_id          uuid NOT NULL REFERENCES people (id),
    level              text NOT NULL CHECK (level IN ('second-factor', 'enroll', 'full')),
    created_at         timestamptz NOT NULL,
    last_seen_at       timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    last_assertion_at  timestamptz NULL,
    ended_at           timestamptz NULL,
    end_reason         text NULL,
    ip_address         text NULL,
    user_agent         text NULL
);
CREATE UNIQUE INDEX ux_portal_sessions_token_hash ON portal_sessions (token_hash);
CREATE INDEX ix_portal_sessions_person ON portal_sessions (person_id);

CREATE TABLE webauthn_requests (
    id          uuid NOT NULL PRIMARY KEY,
    purpose     text NOT NULL,
    person_id   uuid NULL REFERENCES people (id),
    session_id  uuid NULL,
    options     text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX ix_webauthn_requests_expires ON webauthn_requests (expires_at);

CREATE TABLE recovery_codes (
    id          uuid NOT NULL PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES people (id),
    code_hash   text NOT NULL,
    created_at  timestamptz NOT NULL,
    used_at     timestamptz NULL
);
CREATE INDEX ix_recovery_codes_person ON recovery_codes (person_id);

CREATE TABLE account_tokens (
    token_hash  text NOT NULL PRIMARY KEY,
    purpose     text NOT NULL CHECK (purpose IN ('setup', 'enrollment')),
    person_id   uuid NULL REFERENCES people (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz NULL
);
