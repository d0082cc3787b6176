-- Counters kept per group (issue 18, points 1-3 for the home and member pages): the home page listed
-- every group with counts of its threads and members computed per view, which grew with the archive
-- (32 ms of Java and 15 ms of PostgreSQL per view on the Hub-sized archive). Each group now carries:
--   thread_total    its listed threads (not merged into another, not held for review)
--   post_total      its shown posts (not deleted, not held for review)
--   member_total    its memberships
--   last_active_at  the latest activity of its listed threads (NULL: none yet)
-- kept by the database itself in the transaction that writes the rows, as posts.group_id is (V025):
-- statement-level triggers with transition tables, so every path keeps them exact (posting, replying,
-- review approvals, deletions and restores, moves, splits and merges, erasure, joins and leaves,
-- a member's deletion, the demo seed, tests that write rows directly) and a statement touching many
-- rows (a thread moved with its 1,000 posts) updates each group once. Names that no other table
-- uses, so no existing query that joins groups with threads gains an ambiguous column. Written to run
-- again harmlessly (IF NOT EXISTS, OR REPLACE), as the backfill recounts everything.

ALTER TABLE working_groups
    ADD COLUMN IF NOT EXISTS thread_total   bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS post_total     bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS member_total   bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS last_active_at timestamptz;

-- A group's latest listed activity, by an index (used when the thread that held it leaves the group's list).
CREATE INDEX IF NOT EXISTS threads_group_listed_activity_idx ON threads (group_id, last_activity_at DESC)
    WHERE merged_into IS NULL AND held_at IS NULL;

-- Every group's counters from the rows, one pass over each table (the backfill below; seed-archive, which
-- writes with triggers off, calls it at its end). On the Hub-sized archive (1,000,000 posts) a few seconds.
CREATE OR REPLACE FUNCTION agora_group_counters_refresh() RETURNS void
    LANGUAGE sql
    SET search_path FROM CURRENT
    AS $$
UPDATE working_groups g
   SET thread_total = COALESCE(t.n, 0), last_active_at = t.latest, post_total = COALESCE(p.n, 0),
       member_total = COALESCE(m.n, 0)
  FROM working_groups w
  LEFT JOIN (SELECT group_id, count(*) AS n, max(last_activity_at) AS latest FROM threads
              WHERE merged_into IS NULL AND held_at IS NULL GROUP BY group_id) t ON t.group_id = w.id
  LEFT JOIN (SELECT group_id, count(*) AS n FROM posts
              WHERE deleted_at IS NULL AND held_at IS NULL GROUP BY group_id) p ON p.group_id = w.id
  LEFT JOIN (SELECT group_id, count(*) AS n FROM group_memberships GROUP BY group_id) m ON m.group_id = w.id
 WHERE g.id = w.id;
$$;

-- Threads: the listed count and the latest activity. A thread that leaves a group's list (moved, merged,
-- held) while holding that group's latest activity makes the group's latest activity be read again.
CREATE OR REPLACE FUNCTION agora_group_threads_counted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE working_groups g SET thread_total = g.thread_total + d.n,
                                    last_active_at = greatest(g.last_active_at, d.latest)
          FROM (SELECT group_id, count(*) AS n, max(last_activity_at) AS latest FROM new_threads
                 WHERE merged_into IS NULL AND held_at IS NULL GROUP BY group_id) d
         WHERE g.id = d.group_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE working_groups g SET thread_total = g.thread_total - d.n
          FROM (SELECT group_id, count(*) AS n FROM old_threads
                 WHERE merged_into IS NULL AND held_at IS NULL GROUP BY group_id) d
         WHERE g.id = d.group_id;
        UPDATE working_groups g SET last_active_at = (SELECT max(t.last_activity_at) FROM threads t
                 WHERE t.group_id = g.id AND t.merged_into IS NULL AND t.held_at IS NULL)
          FROM (SELECT group_id, max(last_activity_at) AS latest FROM old_threads
                 WHERE merged_into IS NULL AND held_at IS NULL GROUP BY group_id) gone
         WHERE g.id = gone.group_id AND gone.latest >= g.last_active_at;
    ELSE
        UPDATE working_groups g SET thread_total = g.thread_total + d.n,
                                    last_active_at = greatest(g.last_active_at, d.latest)
          FROM (SELECT group_id, sum(n) AS n, max(latest) AS latest
                  FROM (SELECT group_id, 1 AS n, last_activity_at AS latest FROM new_threads
                         WHERE merged_into IS NULL AND held_at IS NULL
                        UNION ALL
                        SELECT group_id, -1, NULL FROM old_threads
                         WHERE merged_into IS NULL AND held_at IS NULL) c
                 GROUP BY group_id) d
         WHERE g.id = d.group_id AND (d.n <> 0 OR d.latest > g.last_active_at OR g.last_active_at IS NULL);
        -- a listed thread that held its group's latest activity and no longer does so there (it left the
        -- list or the group, or its activity went back, as after a split): read the group's latest again
        UPDATE working_groups g SET last_active_at = (SELECT max(t.last_activity_at) FROM threads t
                 WHERE t.group_id = g.id AND t.merged_into IS NULL AND t.held_at IS NULL)
          FROM (SELECT o.group_id, max(o.last_activity_at) AS latest
                  FROM old_threads o JOIN new_threads n ON n.id = o.id
                 WHERE o.merged_into IS NULL AND o.held_at IS NULL
                   AND NOT (n.group_id = o.group_id AND n.merged_into IS NULL AND n.held_at IS NULL
                            AND n.last_activity_at >= o.last_activity_at)
                 GROUP BY o.group_id) gone
         WHERE g.id = gone.group_id AND gone.latest >= g.last_active_at;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER threads_group_counted_insert AFTER INSERT ON threads
    REFERENCING NEW TABLE AS new_threads FOR EACH STATEMENT EXECUTE FUNCTION agora_group_threads_counted();
CREATE OR REPLACE TRIGGER threads_group_counted_update AFTER UPDATE ON threads
    REFERENCING OLD TABLE AS old_threads NEW TABLE AS new_threads
    FOR EACH STATEMENT EXECUTE FUNCTION agora_group_threads_counted();
CREATE OR REPLACE TRIGGER threads_group_counted_delete AFTER DELETE ON threads
    REFERENCING OLD TABLE AS old_threads FOR EACH STATEMENT EXECUTE FUNCTION agora_group_threads_counted();

-- Posts: the shown count. posts.group_id follows the thread (V025), so a thread's move counts its posts
-- out of one group and into the other.
CREATE OR REPLACE FUNCTION agora_group_posts_counted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE working_groups g SET post_total = g.post_total + d.n
          FROM (SELECT group_id, count(*) AS n FROM new_posts
                 WHERE deleted_at IS NULL AND held_at IS NULL GROUP BY group_id) d
         WHERE g.id = d.group_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE working_groups g SET post_total = g.post_total - d.n
          FROM (SELECT group_id, count(*) AS n FROM old_posts
                 WHERE deleted_at IS NULL AND held_at IS NULL GROUP BY group_id) d
         WHERE g.id = d.group_id;
    ELSE
        UPDATE working_groups g SET post_total = g.post_total + d.n
          FROM (SELECT group_id, sum(n) AS n
                  FROM (SELECT group_id, 1 AS n FROM new_posts WHERE deleted_at IS NULL AND held_at IS NULL
                        UNION ALL
                        SELECT group_id, -1 FROM old_posts WHERE deleted_at IS NULL AND held_at IS NULL) c
                 GROUP BY group_id) d
         WHERE g.id = d.group_id AND d.n <> 0;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER posts_group_counted_insert AFTER INSERT ON posts
    REFERENCING NEW TABLE AS new_posts FOR EACH STATEMENT EXECUTE FUNCTION agora_group_posts_counted();
CREATE OR REPLACE TRIGGER posts_group_counted_update AFTER UPDATE ON posts
    REFERENCING OLD TABLE AS old_posts NEW TABLE AS new_posts
    FOR EACH STATEMENT EXECUTE FUNCTION agora_group_posts_counted();
CREATE OR REPLACE TRIGGER posts_group_counted_delete AFTER DELETE ON posts
    REFERENCING OLD TABLE AS old_posts FOR EACH STATEMENT EXECUTE FUNCTION agora_group_posts_counted();

-- Memberships: the member count (a membership's group never changes: it is the primary key's first
-- part, and role or trust updates leave the count alone, so no UPDATE trigger runs on every post).
CREATE OR REPLACE FUNCTION agora_group_members_counted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE working_groups g SET member_total = g.member_total + d.n
          FROM (SELECT group_id, count(*) AS n FROM new_members GROUP BY group_id) d WHERE g.id = d.group_id;
    ELSE
        UPDATE working_groups g SET member_total = g.member_total - d.n
          FROM (SELECT group_id, count(*) AS n FROM old_members GROUP BY group_id) d WHERE g.id = d.group_id;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER group_memberships_counted_insert AFTER INSERT ON group_memberships
    REFERENCING NEW TABLE AS new_members FOR EACH STATEMENT EXECUTE FUNCTION agora_group_members_counted();
CREATE OR REPLACE TRIGGER group_memberships_counted_delete AFTER DELETE ON group_memberships
    REFERENCING OLD TABLE AS old_members FOR EACH STATEMENT EXECUTE FUNCTION agora_group_members_counted();

-- The backfill, in the migration's transaction (the triggers above count every row written after it).
SELECT agora_group_counters_refresh();
