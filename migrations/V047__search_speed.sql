-- A frequent word's posts read month by month in a function, not in ten CTEs of one statement (issue 12,
-- point 7). Since V032 the search statement read a word's newest posts in bands: ten materialised CTEs (the
-- first pass and nine steps of months, quarters and years), each gated by the counts of those before it. Its
-- plan has some 840 lines, and PostgreSQL sets up every node of a cached plan on every execution, read or
-- not: most of the 5 ms of PostgreSQL CPU a single-word search cost at stop 14. This function walks the same
-- steps one statement at a time (each a small plan, cached per session) and stops at the first step after
-- which it holds more than the ranked candidates. What it returns is what the bands returned: every post of
-- the steps read, newest steps first, so the newest `ranked` matches are among them and more than `ranked`
-- match when it stopped early.
--
-- query      the reader's words (agora_search_query)
-- grp        the tag of the one group the reader filtered by ('group <id>'), or NULL
-- read_at_once  a first pass reads at most this many + 1 matches in one go; when it finds no more than this,
--            they are all the matches and the function returns them. Negative: no first pass (the words are
--            known to be in many posts), the steps straight away
-- ranked     the walk stops as soon as it holds more than this many posts
-- groups, moderated, author, from_at, until_at, watcher: what a post must be besides a match, as the
--            search statement's other parts: in the groups, not held, deleted only in the moderated groups,
--            by the author, written from from_at until before until_at, in a thread the watcher watches
--
-- STABLE: its statements see the snapshot of the statement that calls it, so the places (ctid) it returns
-- are those of the rows that statement sees.
CREATE FUNCTION agora_search_posts(query tsquery, grp text, read_at_once integer, ranked integer,
                                   groups bigint[], moderated bigint[], author bigint,
                                   from_at timestamptz, until_at timestamptz, watcher bigint)
    RETURNS TABLE (id bigint, created_at timestamptz, place tid)
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED ROWS 200
    AS $$
DECLARE
    ids bigint[];
    ats timestamptz[];
    places tid[];
    steps text[];
    scoped tsquery;
    got bigint;
    held bigint := 0;
BEGIN
    IF read_at_once >= 0 THEN
        SELECT array_agg(f.id), array_agg(f.created_at), array_agg(f.ctid) INTO ids, ats, places
          FROM (SELECT p.id, p.created_at, p.ctid FROM posts p
                 WHERE (p.search_vector || agora_post_tags(p.created_at, p.group_id))
                       @@ CASE WHEN grp IS NULL THEN query ELSE query && agora_tags_query(ARRAY[grp], false) END
                   AND p.group_id = ANY(groups) AND p.held_at IS NULL
                   AND (p.deleted_at IS NULL OR p.group_id = ANY(moderated))
                   AND (author IS NULL OR p.author_id = author)
                   AND (from_at IS NULL OR p.created_at >= from_at)
                   AND (until_at IS NULL OR p.created_at < until_at)
                   AND (watcher IS NULL OR p.thread_id IN (SELECT s.thread_id FROM thread_subscriptions s
                                                            WHERE s.member_id = watcher AND s.level = 'watching'))
                 LIMIT read_at_once + 1) f;
        IF coalesce(cardinality(ids), 0) <= read_at_once THEN
            RETURN QUERY SELECT * FROM unnest(ids, ats, places);
            RETURN;
        END IF;
    END IF;
    steps := agora_month_steps(
        greatest(agora_month((SELECT min(p.created_at) FROM posts p)), agora_month(from_at)),
        least(agora_month((SELECT max(p.created_at) FROM posts p)), agora_month(until_at - interval '1 microsecond')));
    FOR k IN 1 .. coalesce(cardinality(steps), 0) LOOP
        -- one tag (and the group's) per step: GIN answers "words AND one tag" cheaply (V032)
        scoped := query && agora_tags_query(ARRAY[steps[k], grp], false);
        RETURN QUERY
            SELECT p.id, p.created_at, p.ctid FROM posts p
             WHERE (p.search_vector || agora_post_tags(p.created_at, p.group_id)) @@ scoped
               AND p.group_id = ANY(groups) AND p.held_at IS NULL
               AND (p.deleted_at IS NULL OR p.group_id = ANY(moderated))
               AND (author IS NULL OR p.author_id = author)
               AND (from_at IS NULL OR p.created_at >= from_at)
               AND (until_at IS NULL OR p.created_at < until_at)
               AND (watcher IS NULL OR p.thread_id IN (SELECT s.thread_id FROM thread_subscriptions s
                                                        WHERE s.member_id = watcher AND s.level = 'watching'));
        GET DIAGNOSTICS got = ROW_COUNT;
        held := held + got;
        EXIT WHEN held > ranked;
    END LOOP;
END $$;
