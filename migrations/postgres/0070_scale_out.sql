-- Scale-out: periodic work that runs once across portal instances, and the shared data-protection key ring.
-- One row per job: the start of the last interval some instance claimed, and who runs it until when.
CREATE TABLE cluster_work (
    name          text        NOT NULL PRIMARY KEY,
    last_slot_at  timestamptz NOT NULL,
    holder        text        NOT NULL,
    lease_until   timestamptz NOT NULL
);

-- ASP.NET Core data-protection keys (cookies, antiforgery tokens, Blazor circuit descriptors) shared by every instance.
CREATE TABLE data_protection_keys (
    friendly_name  text        NOT NULL PRIMARY KEY,
    xml            text        NOT NULL,
    created_at     timestamptz NOT NULL
);
