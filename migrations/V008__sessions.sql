-- Sessions of a single node, kept in PostgreSQL so that members stay signed in across a restart
-- (clustered nodes keep theirs in the cluster). Rows hold what Vert.x keeps in a session,
-- serialised; the session id itself is a credential and is stored only as its SHA-256.
-- A job deletes rows past expires_at; the store never returns them.
CREATE TABLE sessions (
    id_hash      bytea       PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    data         bytea       NOT NULL,
    version      integer     NOT NULL CHECK (version > 0),
    timeout_ms   bigint      NOT NULL CHECK (timeout_ms > 0),
    last_access  bigint      NOT NULL,            -- epoch milliseconds, as Vert.x counts them
    expires_at   timestamptz NOT NULL             -- last_access + timeout_ms
);

CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
