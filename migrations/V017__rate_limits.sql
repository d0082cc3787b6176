-- Token buckets shared by every node (issue 13 point 6). One row per limit and subject (a member,
-- an IP address, a live socket); RateLimitRepository.TAKE refills and takes in one atomic
-- statement. A bucket that has been idle for its whole period is full, the same as no row at all,
-- so idle rows may be deleted at any time without changing a decision.
CREATE TABLE rate_buckets (
    name       text             NOT NULL,
    subject    text             NOT NULL,
    tokens     double precision NOT NULL,
    granted    boolean          NOT NULL,
    updated_at timestamptz      NOT NULL,
    PRIMARY KEY (name, subject)
);

CREATE INDEX rate_buckets_updated_at ON rate_buckets (updated_at);
