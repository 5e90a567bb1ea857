-- Compliance: SAQ assessments per merchant and period, their answers, evidence snapshots, and security-awareness
-- acknowledgements. Every table is merchant-owned: merchant_id comes first in every key and index.
CREATE TABLE saq_assessments (
    merchant_id        TEXT    NOT NULL REFERENCES merchants (id),
    id                 TEXT    NOT NULL,
    saq_type           TEXT    NOT NULL,
    period_start       TEXT    NOT NULL,
    period_end         TEXT    NOT NULL,
    status             INTEGER NOT NULL,
    based_on_id        TEXT    NULL,
    created_by_id      TEXT    NULL,
    created_by_name    TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    submitted_by_name  TEXT    NULL,
    submitted_at       TEXT    NULL,
    reviewed_by_id     TEXT    NULL,
    reviewed_by_name   TEXT    NULL,
    reviewed_at        TEXT    NULL,
    review_note        TEXT    NULL,
    attested_by_id     TEXT    NULL,
    attester_name      TEXT    NULL,
    attester_title     TEXT    NULL,
    attestation_date   TEXT    NULL,
    attested_at        TEXT    NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_saq_assessments_id ON saq_assessments (id);
CREATE INDEX ix_saq_assessments_merchant_period ON saq_assessments (merchant_id, period_end);

CREATE TABLE saq_answers (
    merchant_id        TEXT    NOT NULL,
    assessment_id      TEXT    NOT NULL,
    requirement        TEXT    NOT NULL,
    response           INTEGER NOT NULL,
    explanation        TEXT    NOT NULL,
    evidence_notes     TEXT    NOT NULL,
    na_justification   TEXT    NULL,
    ccw                TEXT    NULL,
    answered_by_id     TEXT    NULL,
    answered_by_name   TEXT    NOT NULL,
    answered_at        TEXT    NOT NULL,
    evidence_source    TEXT    NULL,
    PRIMARY KEY (merchant_id, assessment_id, requirement),
    FOREIGN KEY (merchant_id, assessment_id) REFERENCES saq_assessments (merchant_id, id)
);

CREATE TABLE saq_evidence (
    merchant_id        TEXT    NOT NULL,
    assessment_id      TEXT    NOT NULL,
    requirement        TEXT    NOT NULL,
    source             TEXT    NOT NULL,
    proposed_response  INTEGER NOT NULL,
    explanation        TEXT    NOT NULL,
    taken_at           TEXT    NOT NULL,
    PRIMARY KEY (merchant_id, assessment_id, requirement, source),
    FOREIGN KEY (merchant_id, assessment_id) REFERENCES saq_assessments (merchant_id, id)
);

CREATE TABLE awareness_acknowledgements (
    merchant_id        TEXT    NOT NULL REFERENCES merchants (id),
    person_id          TEXT    NOT NULL,
    topic              TEXT    NOT NULL,
    topic_version      INTEGER NOT NULL,
    person_name        TEXT    NOT NULL,
    acknowledged_at    TEXT    NOT NULL,
    PRIMARY KEY (merchant_id, person_id, topic, topic_version)
);
CREATE INDEX ix_awareness_acknowledgements_topic ON awareness_acknowledgements (merchant_id, topic, topic_version);
