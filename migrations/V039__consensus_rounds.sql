-- Consensus rounds (issue 17): a panel rates a document's statements against a rule fixed before
-- the round opens (modified Delphi). A round is a draft until a moderator opens it; from then on its
-- rule, panel and statements are read-only (the service never updates them, and the columns that
-- change later are only status, opened_at and closed_at).
CREATE TABLE consensus_rounds (
    id                 bigserial   PRIMARY KEY,
    document_id        bigint      NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    group_id           bigint      NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    -- 1 for a first round; a next round carries the number of the previous one plus one
    number             integer     NOT NULL CHECK (number >= 1),
    previous_round_id  bigint      REFERENCES consensus_rounds (id) ON DELETE SET NULL,
    title              text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    status             text        NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    scale              text        NOT NULL CHECK (scale IN ('nine', 'five')),
    panel_kind         text        NOT NULL CHECK (panel_kind IN ('all', 'types', 'named')),
    -- the rule: "in favour" when at least for_share % rate in [for_from, scale max] and the median
    -- is at least for_median; "against" when at least against_share % rate in [scale min, against_to]
    for_share          integer     NOT NULL CHECK (for_share BETWEEN 51 AND 100),
    for_from           integer     NOT NULL,
    for_median         numeric(3,1) NOT NULL,
    against_share      integer     NOT NULL CHECK (against_share BETWEEN 51 AND 100),
    against_to         integer     NOT NULL CHECK (against_to < for_from),
    deadline           timestamptz NOT NULL,
    -- moderators see who has rated (never what) unless this is false
    show_raters        boolean     NOT NULL,
    reasons_required   boolean     NOT NULL,
    hide_interim       boolean     NOT NULL,
    -- a stakeholder type is under-represented below this share (%) of panellists or responses
    balance_threshold  integer     NOT NULL CHECK (balance_threshold BETWEEN 0 AND 100),
    created_by         bigint      NOT NULL REFERENCES members (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    opened_at          timestamptz,
    closed_at          timestamptz
);
CREATE INDEX consensus_rounds_document_idx ON consensus_rounds (document_id, number);

-- The panel as it was when the round was made, with what the balance breakdown needs frozen too.
CREATE TABLE round_panellists (
    round_id          bigint NOT NULL REFERENCES consensus_rounds (id) ON DELETE CASCADE,
    member_id         bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    stakeholder_type  text,
    country           text,
    PRIMARY KEY (round_id, member_id)
);
CREATE INDEX round_panellists_member_idx ON round_panellists (member_id);

-- A statement is frozen text: a section's Markdown at the revision the round was made from, or
-- text written for the round. In a next round, previous_id links the statement it continues and
-- reworded tells whether its text changed.
CREATE TABLE round_statements (
    id           bigserial PRIMARY KEY,
    round_id     bigint  NOT NULL REFERENCES consensus_rounds (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    section_key  integer,
    revision     integer,
    body         text    NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
    previous_id  bigint  REFERENCES round_statements (id) ON DELETE SET NULL,
    reworded     boolean NOT NULL DEFAULT false,
    UNIQUE (round_id, position)
);

-- One answer per panellist and statement: a rating, or a recusal citing the declaration in force.
CREATE TABLE round_ratings (
    statement_id          bigint      NOT NULL REFERENCES round_statements (id) ON DELETE CASCADE,
    member_id             bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    round_id              bigint      NOT NULL REFERENCES consensus_rounds (id) ON DELETE CASCADE,
    rating                integer     CHECK (rating BETWEEN 1 AND 9),
    reason                text        NOT NULL DEFAULT '' CHECK (char_length(reason) <= 2000),
    recused               boolean     NOT NULL DEFAULT false,
    declaration_version   integer,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (statement_id, member_id),
    CHECK (recused = (rating IS NULL))
);
CREATE INDEX round_ratings_round_idx ON round_ratings (round_id, member_id);

-- Participation in a round is live on round.<id> for its panel and moderators (events name the
-- round only). 'talk' and 'document' stay listed so this does not undo earlier addresses.
ALTER TABLE live_events DROP CONSTRAINT IF EXISTS live_events_address_check;
ALTER TABLE live_events ADD CONSTRAINT live_events_address_check
    CHECK (address ~ '^(thread|group|member|groups|talk|document|round)(\.[0-9]+)?$');
