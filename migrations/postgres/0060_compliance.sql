-- Compliance: SAQ assessments per merchant and period, their answers, evidence snapshots, and security-awareness
-- acknowledgements. Every table is merchant-owned: merchant_id comes first in every key and index.
CREATE TABLE saq_assessments (
    merchant_id        uuid        NOT NULL REFERENCES merchants (id),
    id                 uuid        NOT NULL,
    saq_type           text        NOT NULL,
    period_start       timestamptz NOT NULL,
    period_end         timestamptz NOT NULL,
    status             integer     NOT NULL,
    based_on_id        uuid        NULL,
    created_by_id      uuid        NULL,
    created_by_name    text        NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    submitted_by_name  text        NULL,
    submitted_at       timestamptz NULL,
    reviewed_by_id     uuid        NULL,
    reviewed_by_name   text        NULL,
    reviewed_at        timestamptz NULL,
    review_note        text        NULL,
    attested_by_id     uuid        NULL,
    attester_name      text        NULL,
    attester_title     text        NULL,
    attestation_date   timestamptz NULL,
    attested_at        timestamptz NULL,
    PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX ux_saq_assessments_id ON saq_assessments (id);
CREATE INDEX ix_saq_assessments_merchant_period ON saq_assessments (merchant_id, period_end);

CREATE TABLE saq_answers (
    merchant_id        uuid        NOT NULL,
    assessment_id      uuid        NOT NULL,
    requirement        text        NOT NULL,
    response           integer     NOT NULL,
    explanation        text        NOT NULL,
    evidence_notes     text        NOT NULL,
    na_justification   text        NULL,
    ccw                jsonb       NULL,
    answered_by_id     uuid        NULL,
    answered_by_name   text        NOT NULL,
    answered_at        timestamptz NOT NULL,
    evidence_source    text        NULL,
    PRIMARY KEY (merchant_id, assessment_id, requirement),
    FOREIGN KEY (merchant_id, assessment_id) REFERENCES saq_assessments (merchant_id, id)
);

CREATE TABLE saq_evidence (
    merchant_id        uuid        NOT NULL,
    assessment_id      uuid        NOT NULL,
    requirement        text        NOT NULL,
    source             text        NOT NULL,
    proposed_response  integer     NOT NULL,
    explanation        text        NOT NULL,
    taken_at           timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, assessment_id, requirement, source),
    FOREIGN KEY (merchant_id, assessment_id) REFERENCES saq_assessments (merchant_id, id)
);

CREATE TABLE awareness_acknowledgements (
    merchant_id        uuid        NOT NULL REFERENCES merchants (id),
    person_id          uuid        NOT NULL,
    topic              text        NOT NULL,
    topic_version      integer     NOT NULL,
    person_name        text        NOT NULL,
    acknowledged_at    timestamptz NOT NULL,
    PRIMARY KEY (merchant_id, person_id, topic, topic_version)
);
CREATE INDEX ix_awareness_acknowledgements_topic ON awareness_acknowledgements (merchant_id, topic, topic_version);
