-- Issue 13 point 3: the review queue, statements of reasons (DSA Art. 17) and appeals.

-- Who is working on a queue item. One claim per item whatever the application does: a second
-- moderator's claim finds the first one's row and stores nothing. item_type: post, comment,
-- question, message (flagged or held content), notice, join (a join request), appeal.
CREATE TABLE review_claims (
    item_type   text        NOT NULL CHECK (item_type IN ('post', 'comment', 'question', 'message', 'notice', 'join', 'appeal')),
    item_id     bigint      NOT NULL,
    member_id   bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    claimed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_type, item_id)
);

-- A statement of reasons: what was decided about which item, on what ground (facts and rule),
-- whether it was automated, and who is affected (the member told, who may appeal once).
-- appeal_id: set on the decision that settles an appeal (uphold or reverse).
CREATE TABLE moderation_decisions (
    id           bigserial   PRIMARY KEY,
    item_type    text        NOT NULL CHECK (item_type IN ('post', 'comment', 'question', 'message', 'notice', 'join', 'appeal')),
    item_id      bigint      NOT NULL,
    group_id     bigint      REFERENCES working_groups (id) ON DELETE SET NULL,
    affected_id  bigint      REFERENCES members (id) ON DELETE SET NULL,
    decided_by   bigint      REFERENCES members (id) ON DELETE SET NULL,
    action       text        NOT NULL CHECK (action IN ('approve', 'hide', 'delete', 'restore', 'warn', 'none', 'uphold', 'reverse')),
    ground       text        NOT NULL CHECK (char_length(ground) BETWEEN 1 AND 500),
    facts        text        NOT NULL DEFAULT '' CHECK (char_length(facts) <= 2000),
    reason       text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    automated    boolean     NOT NULL DEFAULT false,
    title        text        NOT NULL DEFAULT '' CHECK (char_length(title) <= 300),
    link         text        NOT NULL DEFAULT '' CHECK (char_length(link) <= 500),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_decisions_affected_idx ON moderation_decisions (affected_id, created_at DESC);
CREATE INDEX moderation_decisions_item_idx ON moderation_decisions (item_type, item_id);

-- One appeal per decision, by the member it affected; settled by another moderator or an admin.
CREATE TABLE moderation_appeals (
    id           bigserial   PRIMARY KEY,
    decision_id  bigint      NOT NULL UNIQUE REFERENCES moderation_decisions (id) ON DELETE CASCADE,
    member_id    bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    body         text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    decided_at   timestamptz,
    outcome      text        CHECK (outcome IN ('upheld', 'reversed')),
    CHECK ((decided_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX moderation_appeals_open_idx ON moderation_appeals (created_at) WHERE decided_at IS NULL;
