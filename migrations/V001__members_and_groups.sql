-- Members sign in through OpenID Connect: the provider's issuer and subject are the identity.
CREATE TABLE members (
    id            bigserial PRIMARY KEY,
    issuer        text        NOT NULL,
    subject       text        NOT NULL,
    display_name  text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 80),
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
