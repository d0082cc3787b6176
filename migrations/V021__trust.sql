-- Graduated trust (issue 13 point 5), per group.
--   level 0 "new":     no approved post in the group
--   level 1 "basic":   at least one approved post
--   level 2 "trusted": 10 approved posts, the first at least 7 days ago, or set by a moderator
-- A moderator may also set a member's level (trust_level, NULL = automatic). The automatic level
-- is read from two columns kept by the transaction that publishes a post (made visible at once,
-- or approved by a moderator): no count over posts on the hot path.
ALTER TABLE group_memberships
    ADD COLUMN approved_posts    integer     NOT NULL DEFAULT 0 CHECK (approved_posts >= 0),
    ADD COLUMN first_approved_at timestamptz,
    ADD COLUMN trust_level       smallint    CHECK (trust_level IS NULL OR trust_level BETWEEN 0 AND 2);

UPDATE group_memberships gm SET approved_posts = c.n, first_approved_at = c.first
  FROM (SELECT t.group_id, p.author_id, count(*) AS n, min(p.created_at) AS first
          FROM posts p JOIN threads t ON t.id = p.thread_id
         WHERE p.held_at IS NULL
         GROUP BY t.group_id, p.author_id) c
 WHERE gm.group_id = c.group_id AND gm.member_id = c.author_id;

-- Hold the first N posts of new members for a moderator's approval (0 = off). Default by
-- visibility: off for closed groups (their members were let in by a moderator), 1 for public ones.
ALTER TABLE working_groups ADD COLUMN hold_first_posts integer CHECK (hold_first_posts BETWEEN 0 AND 20);
UPDATE working_groups SET hold_first_posts = CASE visibility WHEN 'public' THEN 1 ELSE 0 END;

CREATE FUNCTION working_groups_hold_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.hold_first_posts IS NULL THEN
        NEW.hold_first_posts := CASE NEW.visibility WHEN 'public' THEN 1 ELSE 0 END;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER working_groups_hold_default BEFORE INSERT ON working_groups
    FOR EACH ROW EXECUTE FUNCTION working_groups_hold_default();
ALTER TABLE working_groups ALTER COLUMN hold_first_posts SET NOT NULL;

-- A thread whose opening post is held: only its author and the group's moderators see it, title
-- included. A held post has no place in its thread yet: its position is minus its id (pages are
-- ranges of positive positions, counts and last activity leave it out); approval gives it the
-- next position, as if it had just been posted.
ALTER TABLE threads ADD COLUMN held_at timestamptz;
