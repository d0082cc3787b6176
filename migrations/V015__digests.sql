-- Digests sent: one row per member, cadence and period (the local date of the day, or of the
-- week's Monday), written in the transaction that puts the digest in the mail outbox. Its key makes
-- a second node, or a second round, send nothing for a period already sent.
CREATE TABLE digest_runs (
    member_id  bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    cadence    text        NOT NULL CHECK (cadence IN ('daily', 'weekly')),
    period     date        NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (member_id, cadence, period)
);
