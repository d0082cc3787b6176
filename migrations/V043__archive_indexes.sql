-- Pages flat as the archive grows (issue 18, point 3): indexes found with bench/archive/explain.sh
-- on the seeded Hub-sized archive (1,000,000 posts). Indexes only, each IF NOT EXISTS.

-- A member's profile lists their latest posts (ThreadRepository.BY_AUTHOR, ORDER BY created_at DESC
-- LIMIT n): with the author's posts in date order the scan stops after n instead of reading and
-- sorting every post the member ever wrote.
CREATE INDEX IF NOT EXISTS posts_author_created_idx ON posts (author_id, created_at DESC);

-- A group's thread count (GroupRepository.SELECT, on the home and group pages) counts the threads a
-- group lists: an index of exactly those answers it from the index alone, without visiting the
-- threads' rows.
CREATE INDEX IF NOT EXISTS threads_group_listed_idx ON threads (group_id) WHERE merged_into IS NULL AND held_at IS NULL;

-- A post's files in order (ThreadRepository.POST_COLUMNS: WHERE post_id = p.id ORDER BY id): found and
-- ordered by one index, so the planner never walks the whole primary key for the order instead.
CREATE INDEX IF NOT EXISTS attachments_post_id_idx ON attachments (post_id, id);

-- A group's page names its moderators (GroupRepository.MODERATOR_MEMBERS, and the notifications'
-- MODERATORS): found among the group's thousands of members without reading them all.
CREATE INDEX IF NOT EXISTS group_memberships_moderators_idx ON group_memberships (group_id) WHERE role = 'moderator';
