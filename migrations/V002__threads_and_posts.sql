-- Threads keep counters so that group pages list them with one indexed query.
CREATE TABLE threads (
    id                bigserial PRIMARY KEY,
    group_id          bigint      NOT NULL REFERENCES working_groups (id),
    title             text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    author_id         bigint      NOT NULL REFERENCES members (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_activity_at  timestamptz NOT NULL DEFAULT now(),
    pinned            boolean     NOT NULL DEFAULT false,
    locked            boolean     NOT NULL DEFAULT false,
    post_count        integer     NOT NULL DEFAULT 0,
    last_post_id      bigint,
    last_poster_id    bigint      REFERENCES members (id),
    moved_from        bigint      REFERENCES working_groups (id),
    client_token      text        CHECK (client_token IS NULL OR char_length(client_token) <= 100)
);
CREATE INDEX threads_group_activity_idx ON threads (group_id, pinned DESC, last_activity_at DESC);
-- a "new thread" form submitted twice with the same token stores one thread
CREATE UNIQUE INDEX threads_client_token_idx ON threads (author_id, client_token) WHERE client_token IS NOT NULL;

-- The Markdown source and the sanitised HTML rendered from it are stored together, so reading a
-- page never renders Markdown. position: 1 for the opening post, then 2, 3... in the order posts
-- were made; a page of a thread is a range of positions, so permalinks and "first unread" find
-- their page directly.
CREATE TABLE posts (
    id                bigserial PRIMARY KEY,
    thread_id         bigint      NOT NULL REFERENCES threads (id),
    position          integer     NOT NULL,
    author_id         bigint      NOT NULL REFERENCES members (id),
    reply_to_post_id  bigint      REFERENCES posts (id),
    body_markdown     text        NOT NULL CHECK (char_length(body_markdown) BETWEEN 1 AND 50000),
    body_html         text        NOT NULL,
    revision          integer     NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    edited_at         timestamptz,
    deleted_at        timestamptz,
    deleted_by        bigint      REFERENCES members (id),
    delete_reason     text        NOT NULL DEFAULT '' CHECK (char_length(delete_reason) <= 500),
    client_token      text        CHECK (client_token IS NULL OR char_length(client_token) <= 100),
    UNIQUE (thread_id, position)
);
-- a reply submitted twice with the same token stores one post
CREATE UNIQUE INDEX posts_client_token_idx ON posts (author_id, client_token) WHERE client_token IS NOT NULL;
CREATE INDEX posts_author_idx ON posts (author_id);

-- Every version of a post, the first one included; posts.revision is the current one.
CREATE TABLE post_revisions (
    post_id        bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    revision       integer     NOT NULL,
    editor_id      bigint      NOT NULL REFERENCES members (id),
    body_markdown  text        NOT NULL,
    body_html      text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, revision)
);

CREATE TABLE post_mentions (
    post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, member_id)
);

CREATE TABLE reactions (
    post_id     bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id   bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind IN ('like', 'agree', 'insightful', 'thanks', 'question')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, member_id, kind)
);

-- How far a member has read a thread, as a post position. Written in batches, never per page view.
CREATE TABLE read_positions (
    member_id   bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    thread_id   bigint      NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    position    integer     NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, thread_id)
);

CREATE TABLE thread_subscriptions (
    member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    thread_id  bigint NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    level      text   NOT NULL CHECK (level IN ('watching', 'muted')),
    PRIMARY KEY (member_id, thread_id)
);
CREATE TABLE group_subscriptions (
    member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    group_id   bigint NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    level      text   NOT NULL CHECK (level IN ('watching', 'muted')),
    PRIMARY KEY (member_id, group_id)
);

-- Files attached to posts, kept in the database with their checksum; the type is the one
-- detected from the content, never the one the browser claimed.
CREATE TABLE attachments (
    id            bigserial PRIMARY KEY,
    post_id       bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    uploader_id   bigint      NOT NULL REFERENCES members (id),
    file_name     text        NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 200),
    content_type  text        NOT NULL,
    size_bytes    bigint      NOT NULL CHECK (size_bytes > 0),
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data          bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_post_idx ON attachments (post_id);
