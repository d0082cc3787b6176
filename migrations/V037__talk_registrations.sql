-- Issue 15 point 6: registration (RSVP) for Talks, with a capacity and a waiting list.

-- How many may register; past it, registrations join the waiting list. NULL: no limit.
ALTER TABLE talks ADD COLUMN capacity integer CHECK (capacity IS NULL OR capacity BETWEEN 1 AND 100000);

-- One row per Talk and e-mail address (compared in lower case). A member's row names them
-- (member_id); a visitor's row only the name and address they gave. status: registered (has a
-- place), waiting (past the capacity, promoted in order of joined_at, id), cancelled. The cancel
-- secret is the random part of the cancel link in every mail the registration receives.
CREATE TABLE talk_registrations (
    id             bigserial   PRIMARY KEY,
    talk_id        bigint      NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    member_id      bigint      REFERENCES members (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    email          text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    email_key      text        NOT NULL,
    locale         text        NOT NULL,
    time_zone      text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),
    cancel_secret  text        NOT NULL,
    created_at     timestamptz NOT NULL,
    joined_at      timestamptz NOT NULL,
    status_at      timestamptz NOT NULL,
    UNIQUE (talk_id, email_key)
);
CREATE INDEX talk_registrations_talk_idx ON talk_registrations (talk_id, status, joined_at, id);
CREATE INDEX talk_registrations_member_idx ON talk_registrations (member_id) WHERE member_id IS NOT NULL;

-- The reminders waiting in the outbox for a registration, so a moved Talk or a cancelled
-- registration cancels (and re-times) exactly them.
CREATE TABLE talk_registration_mails (
    registration_id  bigint NOT NULL REFERENCES talk_registrations (id) ON DELETE CASCADE,
    purpose          text   NOT NULL CHECK (purpose IN ('reminder.day', 'reminder.soon')),
    outbox_id        bigint NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
    PRIMARY KEY (registration_id, purpose)
);
CREATE INDEX talk_registration_mails_outbox_idx ON talk_registration_mails (outbox_id);
