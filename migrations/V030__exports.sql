-- Data exports (GDPR Art. 15 and 20): one row per request. The zip is kept in the row (bytea),
-- like attachments, so every node can serve it and the retention job deletes it with the row.
CREATE TABLE data_exports (
    id            bigserial   PRIMARY KEY,
    member_id     bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status        text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    ready_at      timestamptz,
    -- ready_at + 24 hours: after it the download is gone (404) and the retention job deletes the row
    expires_at    timestamptz,
    -- when a node began preparing it: a node that dies leaves it running; another takes it after ten minutes
    claimed_at    timestamptz,
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    size_bytes    bigint,
    content       bytea,
    CHECK (status <> 'ready' OR (content IS NOT NULL AND expires_at IS NOT NULL))
);

-- never two exports in preparation for one member, whichever node took the request
CREATE UNIQUE INDEX data_exports_one_pending ON data_exports (member_id) WHERE status IN ('queued', 'running');
CREATE INDEX data_exports_member ON data_exports (member_id, requested_at DESC);
CREATE INDEX data_exports_queued ON data_exports (id) WHERE status = 'queued';
