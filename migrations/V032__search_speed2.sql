-- Search finds a word's newest posts without visiting all of them (issue 12, point 7). A frequent
-- word matched 1,100-6,500 readable posts of the benchmark's 100,000, and every match was a visit
-- of its heap page, to be counted and to pick the newest 200 to rank. Now the posts' search index
-- also holds tags for the month, quarter and year a post was written in and for its group, as
-- lexemes no typed query can produce (they hold a space). A search asks the index for "these words
-- in this month" (and "in this group" when the reader filtered by one), newest month first, then
-- older quarters and years, and stops reading as soon as it holds more than the ranked candidates.
-- GIN answers "word AND one tag" cheaply; "word AND (tag OR tag OR ...)" costs several times more,
-- so every step asks for one tag.

-- The month of a moment in UTC, as a number (year * 12 + month - 1): immutable, as an index needs.
CREATE FUNCTION agora_month(at timestamptz) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT (extract(year FROM at AT TIME ZONE 'UTC') * 12 + extract(month FROM at AT TIME ZONE 'UTC') - 1)::integer $$;

-- A post's tags: "month <n>", "quarter <n / 3>", "year <n / 12>" (n as agora_month, written out: an
-- index's expression runs with an empty search path) and "group <id>".
CREATE FUNCTION agora_post_tags(at timestamptz, group_id bigint) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    -- one expression, no FROM and not STRICT, so that PostgreSQL inlines it (a recheck of a phrase
    -- computes the index's expression for each candidate row; a function call there costs tens of µs)
    AS $$ SELECT array_to_tsvector(ARRAY[
                   'month ' || ((extract(year FROM at AT TIME ZONE 'UTC') * 12 + extract(month FROM at AT TIME ZONE 'UTC') - 1)::integer),
                   'quarter ' || ((extract(year FROM at AT TIME ZONE 'UTC') * 12 + extract(month FROM at AT TIME ZONE 'UTC') - 1)::integer / 3),
                   'year ' || ((extract(year FROM at AT TIME ZONE 'UTC') * 12 + extract(month FROM at AT TIME ZONE 'UTC') - 1)::integer / 12),
                   'group ' || group_id]) $$;

-- The tags that cover the months from first to last without overlap, newest first: the last three
-- months one by one, then the other months of their quarter, the other quarters of their year, then
-- years. (The oldest tag may reach before first: rows outside a date filter are dropped later.)
CREATE FUNCTION agora_month_steps(first_month integer, last_month integer) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    m integer := last_month;
    steps text[] := '{}';
BEGIN
    WHILE m >= first_month LOOP
        IF cardinality(steps) >= 3 AND m % 12 = 11 THEN
            steps := steps || ('year ' || m / 12);
            m := m - 12;
        ELSIF cardinality(steps) >= 3 AND m % 3 = 2 THEN
            steps := steps || ('quarter ' || m / 3);
            m := m - 3;
        ELSE
            steps := steps || ('month ' || m);
            m := m - 1;
        END IF;
    END LOOP;
    RETURN steps;
END $$;

-- Tags as a query: all of them, or (any = true) any of them; NULL (which matches nothing) for none.
CREATE FUNCTION agora_tags_query(tags text[], any_of boolean) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT string_agg(quote_literal(t), CASE WHEN any_of THEN ' | ' ELSE ' & ' END)::tsquery
            FROM unnest(tags) t WHERE t IS NOT NULL $$;

-- The words' index with the tags; it replaces the index of the words alone, which nothing else used.
CREATE INDEX posts_search_scope_idx ON posts USING gin ((search_vector || agora_post_tags(created_at, group_id)));
DROP INDEX posts_search_idx;
