-- Public Talks of the Hub. Times are stored in UTC and shown in the reader's time zone.
CREATE TABLE talks (
    id             bigserial PRIMARY KEY,
    slug           text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 80),
    title          text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description    text        NOT NULL DEFAULT '',
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    slides_url     text,
    recording_url  text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX talks_starts_idx ON talks (starts_at);

CREATE TABLE talk_speakers (
    talk_id      bigint  NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    name         text    NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    affiliation  text    NOT NULL DEFAULT '',
    member_id    bigint  REFERENCES members (id),
    PRIMARY KEY (talk_id, position)
);

CREATE TABLE talk_groups (
    talk_id   bigint NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    group_id  bigint NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (talk_id, group_id)
);

-- One row per named data set seeded into this database, so seeding runs once however often and
-- on however many nodes Agora starts.
CREATE TABLE seeds (
    name        text        PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
