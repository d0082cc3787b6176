-- Issue 13, shared by the review queue (point 3), suspension (point 4) and graduated trust
-- (point 5): the two facts several features read.

-- A post held for a moderator's approval: its author and the group's moderators see it, nobody
-- else does (no page, search, notification, feed or live event) until a moderator approves it,
-- which clears held_at. held_reason says why it was held.
ALTER TABLE posts
    ADD COLUMN held_at     timestamptz,
    ADD COLUMN held_reason text CHECK (held_reason IS NULL OR held_reason IN ('first_posts', 'links', 'attachments', 'moderator'));
ALTER TABLE posts ADD CHECK ((held_at IS NULL) = (held_reason IS NULL));
CREATE INDEX posts_held_idx ON posts (thread_id) WHERE held_at IS NOT NULL;

-- A member suspended site-wide, for a period (ends_at) or until lifted (ends_at NULL). A suspension
-- is in force while lifted_at IS NULL AND starts_at <= now() AND (ends_at IS NULL OR ends_at > now()).
-- group_id: the group whose moderator decided it (NULL when an admin decided it site-wide).
CREATE TABLE member_suspensions (
    id            bigserial   PRIMARY KEY,
    member_id     bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    suspended_by  bigint      REFERENCES members (id) ON DELETE SET NULL,
    group_id      bigint      REFERENCES working_groups (id) ON DELETE SET NULL,
    reason        text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    starts_at     timestamptz NOT NULL DEFAULT now(),
    ends_at       timestamptz,
    lifted_at     timestamptz,
    lifted_by     bigint      REFERENCES members (id) ON DELETE SET NULL,
    lift_reason   text        NOT NULL DEFAULT '' CHECK (char_length(lift_reason) <= 2000),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX member_suspensions_member_idx ON member_suspensions (member_id) WHERE lifted_at IS NULL;
