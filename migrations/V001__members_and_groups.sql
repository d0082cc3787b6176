-- Members sign in through OpenID Connect: the provider's issuer and subject are the identity.
CREATE TABLE members (
    id            bigserial PRIMARY KEY,
    issuer        text        NOT NULL,
    subject       text        NOT NULL,
    display_name  text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 80),
    -- the @handle others mention; unique regardless of case
    handle        text        NOT NULL CHECK (handle ~ '^[a-z0-9][a-z0-9._-]{1,39}$'),
    email         text        CHECK (email IS NULL OR char_length(email) <= 254),
    -- true once the member typed an address: later sign-ins no longer overwrite it from the claims
    email_edited  boolean     NOT NULL DEFAULT false,
    locale        text,
    time_zone     text,
    is_admin      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer, subject)
);
CREATE UNIQUE INDEX members_handle_idx ON members (lower(handle));

CREATE TABLE working_groups (
    id           bigserial PRIMARY KEY,
    slug         text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 60),
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    purpose      text        NOT NULL DEFAULT '',
    visibility   text        NOT NULL CHECK (visibility IN ('public', 'closed')),
    join_policy  text        NOT NULL CHECK (join_policy IN ('open', 'request')),
    position     integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz
);

CREATE TABLE group_memberships (
    group_id   bigint      NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    member_id  bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('member', 'moderator')),
    joined_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_memberships_member_idx ON group_memberships (member_id);

-- Requests to join a group whose joining is by request; a moderator decides.
CREATE TABLE group_join_requests (
    id           bigserial PRIMARY KEY,
    group_id     bigint      NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    member_id    bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    message      text        NOT NULL DEFAULT '' CHECK (char_length(message) <= 1000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    decided_by   bigint      REFERENCES members (id),
    decision     text        CHECK (decision IN ('approved', 'declined')),
    reason       text        NOT NULL DEFAULT '' CHECK (char_length(reason) <= 1000),
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
-- at most one open request per member and group
CREATE UNIQUE INDEX group_join_requests_open_idx ON group_join_requests (group_id, member_id) WHERE decision IS NULL;
