-- E-mail: the outbox the mail worker sends from, and the server keys that sign unsubscribe links.

-- Secrets every node shares, made once by the first node that needs one (INSERT ... ON CONFLICT DO
-- NOTHING, then read back), never kept in the code or a file. 'unsubscribe' signs the links in e-mails.
CREATE TABLE server_keys (
    name        text        PRIMARY KEY,
    secret      bytea       NOT NULL CHECK (octet_length(secret) >= 32),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per message to one recipient, written in the transaction of what caused it. The worker on
-- every node claims due rows with FOR UPDATE SKIP LOCKED and keeps the row locked while it talks to
-- the SMTP server, then marks it sent in the same transaction (see mail/Outbox).
CREATE TABLE mail_outbox (
    id               bigserial   PRIMARY KEY,
    recipient        text        NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 254),
    member_id        bigint      REFERENCES members (id) ON DELETE CASCADE,
    -- what the message is about (mention, digest...), for the admin page and unsubscribing
    kind             text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,39}$'),
    subject          text        NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 300),
    message_id       text        NOT NULL UNIQUE,
    -- extra header lines (In-Reply-To, References, List-Unsubscribe...) as a JSON object of strings
    headers          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    text_body        text        NOT NULL,
    html_body        text        NOT NULL,
    -- cancel-if-read: held until hold_until, then sent only if the registered check still wants
    -- reference (a notification id, say); wanted_checked records that the check said yes
    reference        bigint,
    hold_until       timestamptz,
    wanted_checked   boolean     NOT NULL DEFAULT false,
    state            text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX mail_outbox_failed ON mail_outbox (created_at DESC) WHERE state = 'failed';
CREATE INDEX mail_outbox_member ON mail_outbox (member_id) WHERE member_id IS NOT NULL;
