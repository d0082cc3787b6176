-- In-app notifications (issue 12). A change records a small job row in its own transaction
-- (what happened, to what, who is told directly, whose watch list to expand); a worker on every
-- node claims job rows with FOR UPDATE SKIP LOCKED and, in one transaction per job, writes the
-- notification rows and deletes the job: a job is fanned out once, even with two nodes, and none
-- is lost if a node dies between the change and the fan-out.
CREATE TABLE notification_jobs (
    id             bigserial   PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    actor_id       bigint      REFERENCES members (id) ON DELETE SET NULL,
    -- what a recipient must be able to read for the notification to exist (post, thread, document, group, talk)
    subject_kind   text        NOT NULL,
    subject_id     bigint      NOT NULL,
    -- what the notifications page groups by (thread, document, talk, group)
    context_kind   text        NOT NULL,
    context_id     bigint      NOT NULL,
    group_id       bigint      REFERENCES working_groups (id) ON DELETE CASCADE,
    title          text        NOT NULL DEFAULT '' CHECK (char_length(title) <= 300),
    detail         text        NOT NULL DEFAULT '' CHECK (char_length(detail) <= 2000),
    link           text        NOT NULL CHECK (link ~ '^/'),
    -- members told directly: [{"member": 7, "kind": "mention"}, ...]
    direct         jsonb       NOT NULL DEFAULT '[]',
    -- watchers of this scope are told with watch_kind, unless they muted mute_thread or mute_group
    watch_scope    text        CHECK (watch_scope IN ('thread', 'group', 'document', 'talk')),
    watch_id       bigint,
    watch_kind     text,
    mute_thread    bigint,
    mute_group     bigint,
    -- a kind whose unread notifications are merged per subject ("3 people reacted")
    batched        boolean     NOT NULL DEFAULT false,
    -- failed fan-outs: after five a job is left for an operator instead of blocking those behind it
    attempts       integer     NOT NULL DEFAULT 0
);

CREATE TABLE notifications (
    id             bigserial   PRIMARY KEY,
    recipient_id   bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind           text        NOT NULL,
    -- how the recipient wanted this kind delivered when it was made (page, immediately, daily, weekly)
    delivery       text        NOT NULL CHECK (delivery IN ('page', 'immediately', 'daily', 'weekly')),
    actor_ids      bigint[]    NOT NULL DEFAULT '{}',
    subject_kind   text        NOT NULL,
    subject_id     bigint      NOT NULL,
    context_kind   text        NOT NULL,
    context_id     bigint      NOT NULL,
    group_id       bigint      REFERENCES working_groups (id) ON DELETE CASCADE,
    title          text        NOT NULL DEFAULT '',
    detail         text        NOT NULL DEFAULT '',
    link           text        NOT NULL CHECK (link ~ '^/'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    read_at        timestamptz,
    -- set for batched kinds: one unread notification per recipient and key
    batch_key      text
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_batch_idx ON notifications (recipient_id, batch_key)
    WHERE batch_key IS NOT NULL AND read_at IS NULL;

-- A member's choice per kind; no row means the kind's default.
CREATE TABLE notification_preferences (
    member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       text   NOT NULL,
    delivery   text   NOT NULL CHECK (delivery IN ('page', 'immediately', 'daily', 'weekly', 'never')),
    PRIMARY KEY (member_id, kind)
);

-- Watching a consensus document (status changes, proposals, revisions) and following a Talk
-- (its room opening), as threads and groups are watched.
CREATE TABLE document_watches (
    member_id    bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    document_id  bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, document_id)
);
CREATE INDEX document_watches_document_idx ON document_watches (document_id);
CREATE TABLE talk_follows (
    member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    talk_id    bigint NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, talk_id)
);
CREATE INDEX talk_follows_talk_idx ON talk_follows (talk_id);
CREATE INDEX thread_subscriptions_thread_idx ON thread_subscriptions (thread_id) WHERE level = 'watching';
CREATE INDEX group_subscriptions_group_idx ON group_subscriptions (group_id) WHERE level = 'watching';
