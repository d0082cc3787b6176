-- Talks' live rooms: a chat stream, a moderated question queue, and the follow-up threads a
-- moderator opens when closing the room.

-- Speakers may declare interests (funding, employment, shares); the Talk page shows them.
ALTER TABLE talk_speakers
    ADD COLUMN declared_interests text NOT NULL DEFAULT '' CHECK (char_length(declared_interests) <= 1000);

-- scheduled: the Talk page only; open: the live room takes messages and questions; closed: the
-- room is kept read-only, its summary shown, later questions go to the follow-up thread.
ALTER TABLE talks
    ADD COLUMN room_state         text        NOT NULL DEFAULT 'scheduled'
                                              CHECK (room_state IN ('scheduled', 'open', 'closed')),
    ADD COLUMN approval_required  boolean     NOT NULL DEFAULT false,
    ADD COLUMN pinned_question_id bigint,
    ADD COLUMN summary            text        NOT NULL DEFAULT '' CHECK (char_length(summary) <= 5000),
    ADD COLUMN closed_at          timestamptz,
    ADD COLUMN closed_by          bigint      REFERENCES members (id),
    ADD COLUMN updated_at         timestamptz NOT NULL DEFAULT now();

-- Talks' rooms publish on talk.<id>; 'document' is listed too so that this constraint does not
-- undo the consensus documents' addresses, whichever migration lands first.
ALTER TABLE live_events DROP CONSTRAINT IF EXISTS live_events_address_check;
ALTER TABLE live_events ADD CONSTRAINT live_events_address_check
    CHECK (address ~ '^(thread|group|member|groups|talk|document)(\.[0-9]+)?$');

-- Short chat messages: Markdown source and the sanitised HTML rendered once.
CREATE TABLE talk_messages (
    id            bigserial   PRIMARY KEY,
    talk_id       bigint      NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    author_id     bigint      NOT NULL REFERENCES members (id),
    body_markdown text        NOT NULL CHECK (char_length(body_markdown) BETWEEN 1 AND 500),
    body_html     text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    client_token  text        CHECK (client_token IS NULL OR char_length(client_token) <= 100),
    -- a moderator hid it: kept for the record, shown to nobody
    hidden_at     timestamptz,
    hidden_by     bigint      REFERENCES members (id)
);
CREATE INDEX talk_messages_talk_idx ON talk_messages (talk_id, id);
CREATE UNIQUE INDEX talk_messages_token_idx ON talk_messages (author_id, client_token) WHERE client_token IS NOT NULL;

-- Questions. status: pending (waits for a moderator when the room requires approval), visible,
-- hidden (by a moderator), merged (into merged_into, which took its votes). anonymous hides the
-- author from other members, never from moderators. votes is the count of talk_question_votes
-- rows, kept in the transaction that changes them.
CREATE TABLE talk_questions (
    id            bigserial   PRIMARY KEY,
    talk_id       bigint      NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    author_id     bigint      NOT NULL REFERENCES members (id),
    body          text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 300),
    anonymous     boolean     NOT NULL DEFAULT false,
    status        text        NOT NULL CHECK (status IN ('pending', 'visible', 'hidden', 'merged')),
    merged_into   bigint      REFERENCES talk_questions (id),
    votes         integer     NOT NULL DEFAULT 0 CHECK (votes >= 0),
    answered_at   timestamptz,
    answer        text        NOT NULL DEFAULT '' CHECK (char_length(answer) <= 1000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    client_token  text        CHECK (client_token IS NULL OR char_length(client_token) <= 100),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX talk_questions_talk_idx ON talk_questions (talk_id, status);
CREATE UNIQUE INDEX talk_questions_token_idx ON talk_questions (author_id, client_token) WHERE client_token IS NOT NULL;

ALTER TABLE talks ADD CONSTRAINT talks_pinned_question_fk FOREIGN KEY (pinned_question_id) REFERENCES talk_questions (id);

-- One vote per member and question, whatever the application does.
CREATE TABLE talk_question_votes (
    question_id  bigint      NOT NULL REFERENCES talk_questions (id) ON DELETE CASCADE,
    member_id    bigint      NOT NULL REFERENCES members (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (question_id, member_id)
);

-- The follow-up thread opened in each chosen working group when the room closed.
CREATE TABLE talk_followups (
    talk_id    bigint NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    group_id   bigint NOT NULL REFERENCES working_groups (id),
    thread_id  bigint NOT NULL UNIQUE REFERENCES threads (id),
    position   integer NOT NULL,
    PRIMARY KEY (talk_id, group_id)
);
