-- Merchants and their stores. Every merchant-owned table carries merchant_id first in its keys.
CREATE TABLE merchants (
    id               uuid        NOT NULL PRIMARY KEY,
    merchant_number  text        NOT NULL,
    name             text        NOT NULL,
    country          char(2)     NOT NULL,
    pci_level        integer     NOT NULL CHECK (pci_level BETWEEN 1 AND 4),
    saq_type         text        NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_merchants_merchant_number ON merchants (merchant_number);
CREATE INDEX ix_merchants_name ON merchants (name);

CREATE TABLE stores (
    merchant_id    uuid             NOT NULL REFERENCES merchants (id),
    id             uuid             NOT NULL,
    name           text             NOT NULL,
    address_line   text             NOT NULL,
    city           text             NOT NULL,
    postal_code    text             NOT NULL,
    country        char(2)          NOT NULL,
    time_zone      text             NOT NULL,
    latitude       double precision NULL,
    longitude      double precision NULL,
    opening_hours  jsonb            NULL,
    created_at     timestamptz      NOT NULL,
    updated_at     timestamptz      NOT NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_stores_id ON stores (id);
CREATE UNIQUE INDEX ux_stores_merchant_name ON stores (merchant_id, name);
