CREATE TABLE threads (
    id                bigserial PRIMARY KEY,
    group_id          bigint      NOT NULL REFERENCES working_groups (id),
    title             text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    author_id         bigint      NOT NULL REFERENCES members (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_activity_at  timestamptz NOT NULL DEFAULT now(),
    pinned            boolean     NOT NULL DEFAULT false,
    locked            boolean     NOT NULL DEFAULT false
);
CREATE INDEX threads_group_activity_idx ON threads (group_id, pinned DESC, last_activity_at DESC);

-- The Markdown source and the sanitised HTML rendered from it are stored together, so reading a
-- page never renders Markdown.
CREATE TABLE posts (
    id             bigserial PRIMARY KEY,
    thread_id      bigint      NOT NULL REFERENCES threads (id),
    author_id      bigint      NOT NULL REFERENCES members (id),
    body_markdown  text        NOT NULL CHECK (char_length(body_markdown) BETWEEN 1 AND 50000),
    body_html      text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    edited_at      timestamptz,
    deleted_at     timestamptz
);
CREATE INDEX posts_thread_idx ON posts (thread_id, id);
