-- Thread surgery (issue 13 point 3): a moderator splits a thread from a post onward into a new
-- thread, merges one thread into another, and edits someone else's post with a note.

-- A thread merged into another keeps its row (and id) so that /threads/:id answers 301 to the
-- thread it went into; it has no posts left and leaves lists and search.
ALTER TABLE threads ADD COLUMN merged_into bigint REFERENCES threads (id)
    CHECK (merged_into IS NULL OR merged_into <> id);
CREATE INDEX threads_merged_into_idx ON threads (merged_into) WHERE merged_into IS NOT NULL;

-- The small line each thread shows about the other after a split or a merge: which thread, why.
CREATE TABLE thread_links (
    id               bigserial PRIMARY KEY,
    thread_id        bigint      NOT NULL REFERENCES threads (id),
    other_thread_id  bigint      NOT NULL REFERENCES threads (id),
    kind             text        NOT NULL CHECK (kind IN ('split_to', 'split_from', 'merged_from', 'merged_into')),
    actor_id         bigint      NOT NULL REFERENCES members (id),
    reason           text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX thread_links_thread_idx ON thread_links (thread_id, created_at);

-- A moderator's edit of someone else's post: the revision names the note, and the post says to
-- its readers that a moderator edited it.
ALTER TABLE post_revisions
    ADD COLUMN note         text    NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
    ADD COLUMN by_moderator boolean NOT NULL DEFAULT false;
ALTER TABLE posts ADD COLUMN moderator_edited boolean NOT NULL DEFAULT false;
