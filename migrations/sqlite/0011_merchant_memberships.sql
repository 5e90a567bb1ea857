-- Who holds which role in which merchant. Platform admins are marked on people (Accounts) and need no rows here.
CREATE TABLE merchant_memberships (
    merchant_id  TEXT    NOT NULL REFERENCES merchants (id),
    person_id    TEXT    NOT NULL REFERENCES people (id),
    role         INTEGER NOT NULL CHECK (role IN (1, 2, 3)),
    granted_at   TEXT    NOT NULL,
    granted_by   TEXT    NULL REFERENCES people (id),
    PRIMARY KEY (merchant_id, person_id, role)
);
CREATE INDEX ix_merchant_memberships_person ON merchant_memberships (person_id);
