-- Every change pages may show live, numbered per address (thread.12, group.3, member.7) in the
-- order the changes committed: a writer takes a transaction-scoped advisory lock on the address
-- before taking the next number, so a transaction that commits later cannot hold a smaller number
-- than one a client has already seen. Clients that reconnect ask for everything after the last
-- number they applied.
CREATE TABLE live_events (
    address     text        NOT NULL CHECK (address ~ '^(thread|group|member|groups)(\.[0-9]+)?$'),
    seq         bigint      NOT NULL CHECK (seq > 0),
    type        text        NOT NULL,
    entity_id   bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (address, seq)
);
CREATE INDEX live_events_created_idx ON live_events (created_at);
