-- Who holds which role in which merchant. Platform admins are marked on people (Accounts) and need no rows here.
CREATE TABLE merchant_memberships (
    merchant_id  uuid        NOT NULL REFERENCES merchants (id),
    person_id    uuid        NOT NULL REFERENCES people (id),
    role         integer     NOT NULL CHECK (role IN (1, 2, 3)),
    granted_at   timestamptz NOT NULL,
    granted_by   uuid        NULL REFERENCES people (id),
    PRIMARY KEY (merchant_id, person_id, role)
);
CREATE INDEX ix_merchant_memberships_person ON merchant_memberships (person_id);
