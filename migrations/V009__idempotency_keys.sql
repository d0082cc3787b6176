-- Idempotency-Key of the JSON API, with Stripe's rules: a key belongs to one member; it remembers
-- the request it was first used for (method and resource, and a SHA-256 of the body) and the answer
-- given, so a retry gets the same answer and a reuse for another request is refused (422).
-- status is NULL while the first request is still running. Keys are forgotten after a day.
CREATE TABLE idempotency_keys (
    member_id    bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    key          text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request      text        NOT NULL,
    fingerprint  bytea       NOT NULL CHECK (octet_length(fingerprint) = 32),
    status       smallint,
    location     text,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, key)
);

CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
