-- Issue 13, points 1 and 2: members flag items for the moderators, and anyone files a notice of
-- illegal content (DSA Art. 16).

-- How many members (each with at least one post in the group) must flag an item before it is
-- hidden pending review.
ALTER TABLE working_groups
    ADD COLUMN flag_threshold integer NOT NULL DEFAULT 3 CHECK (flag_threshold BETWEEN 1 AND 100);

-- One flag per member and item, whatever the application does. item_type names the table the
-- item lives in (post: posts; the others are reserved for document comments and Talk questions
-- and chat messages). resolved_at is set when a moderator has dealt with the item.
CREATE TABLE flags (
    id           bigserial   PRIMARY KEY,
    item_type    text        NOT NULL CHECK (item_type IN ('post', 'comment', 'question', 'message')),
    item_id      bigint      NOT NULL,
    group_id     bigint      REFERENCES working_groups (id),
    member_id    bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason       text        NOT NULL CHECK (reason IN ('off_topic', 'inappropriate', 'spam', 'conflict_of_interest',
                                                        'illegal', 'other')),
    detail       text        NOT NULL DEFAULT '' CHECK (char_length(detail) <= 1000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    UNIQUE (item_type, item_id, member_id),
    CHECK (reason <> 'other' OR char_length(detail) > 0)
);
CREATE INDEX flags_open_idx ON flags (group_id, created_at) WHERE resolved_at IS NULL;

-- Notices of illegal content from anyone, signed in or not. reference is the unguessable number
-- on the receipt (the receipt page is found by it). The notifier's name and e-mail may be empty
-- only for suspected child sexual abuse material (Art. 16(2)(c)). ip_hash: a SHA-256 hash of the
-- sender's address, for the per-address limit; never the address itself.
CREATE TABLE notices (
    id              bigserial   PRIMARY KEY,
    reference       text        NOT NULL UNIQUE CHECK (reference ~ '^[A-Z0-9-]{8,40}$'),
    url             text        NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
    category        text        NOT NULL CHECK (category IN ('csam', 'hate', 'privacy', 'defamation',
                                                             'intellectual_property', 'fraud', 'other')),
    explanation     text        NOT NULL CHECK (char_length(explanation) BETWEEN 1 AND 5000),
    legal_ground    text        NOT NULL CHECK (char_length(legal_ground) BETWEEN 1 AND 500),
    notifier_name   text        NOT NULL DEFAULT '' CHECK (char_length(notifier_name) <= 200),
    notifier_email  text        NOT NULL DEFAULT '' CHECK (char_length(notifier_email) <= 254),
    locale          text        NOT NULL,
    member_id       bigint      REFERENCES members (id) ON DELETE SET NULL,
    ip_hash         text        NOT NULL,
    good_faith      boolean     NOT NULL CHECK (good_faith),
    status          text        NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_review', 'decided')),
    decision        text        NOT NULL DEFAULT '' CHECK (char_length(decision) <= 5000),
    decided_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (category = 'csam' OR (notifier_name <> '' AND notifier_email <> ''))
);
CREATE INDEX notices_ip_idx ON notices (ip_hash, created_at);
CREATE INDEX notices_open_idx ON notices (created_at) WHERE status <> 'decided';

-- A document comment hidden pending review because enough members flagged it (posts use their
-- soft delete with no deleting member; Talk questions and messages have their own hidden states).
ALTER TABLE document_comments ADD COLUMN held_for_review_at timestamptz;
