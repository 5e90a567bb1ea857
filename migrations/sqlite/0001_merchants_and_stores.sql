-- Merchants and their stores. Every merchant-owned table carries merchant_id first in its keys.
CREATE TABLE merchants (
    id               TEXT    NOT NULL PRIMARY KEY,
    merchant_number  TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    country          TEXT    NOT NULL CHECK (length(country) = 2),
    pci_level        INTEGER NOT NULL CHECK (pci_level BETWEEN 1 AND 4),
    saq_type         TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_merchants_merchant_number ON merchants (merchant_number);
CREATE INDEX ix_merchants_name ON merchants (name);

CREATE TABLE stores (
    merchant_id    TEXT    NOT NULL REFERENCES merchants (id),
    id             TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    address_line   TEXT    NOT NULL,
    city           TEXT    NOT NULL,
    postal_code    TEXT    NOT NULL,
    country        TEXT    NOT NULL CHECK (length(country) = 2),
    time_zone      TEXT    NOT NULL,
    latitude       REAL    NULL,
    longitude      REAL    NULL,
    opening_hours  TEXT    NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_stores_id ON stores (id);
CREATE UNIQUE INDEX ux_stores_merchant_name ON stores (merchant_id, name);
