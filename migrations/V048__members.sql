-- The home page's upcoming Talks (issue 18 points 1-3, stop 15): the Talks not ended yet, soonest first,
-- read as two bounded index reads instead of a walk of every Talk by start time past the ended ones
-- (TalkRepository.UPCOMING_LISTED): those under way now, found by this index of each Talk's span
-- (tstzrange(starts_at, ends_at) @> now), and those that start later, by talks_starts_idx from now on,
-- stopping at the limit. An index only, IF NOT EXISTS.
CREATE INDEX IF NOT EXISTS talks_span_idx ON talks USING gist (tstzrange(starts_at, ends_at));
