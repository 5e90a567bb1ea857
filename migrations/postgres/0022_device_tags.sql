-- Device tags: free labels people give terminals ("pilot", "drive-thru") so patch policies can target them.
-- Tags are stored normalised (trimmed, lower-case), so equality is plain equality in both databases.
CREATE TABLE device_tags (
    merchant_id  uuid        NOT NULL,
    device_id    uuid        NOT NULL,
    tag          text        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, device_id, tag),
    FOREIGN KEY (merchant_id, device_id) REFERENCES devices (merchant_id, id)
);
-- The device list filtered by tag and the policy editor's list of a merchant's tags.
CREATE INDEX ix_device_tags_merchant_tag ON device_tags (merchant_id, tag, device_id);
