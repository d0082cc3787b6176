-- Every moderator and admin action, kept for the audit log.
CREATE TABLE moderation_log (
    id           bigserial PRIMARY KEY,
    group_id     bigint      REFERENCES working_groups (id),
    actor_id     bigint      NOT NULL REFERENCES members (id),
    action       text        NOT NULL,
    target_type  text        NOT NULL,
    target_id    bigint      NOT NULL,
    detail       text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_log_group_idx ON moderation_log (group_id, created_at DESC);
