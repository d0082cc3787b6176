-- Issue 14, point 3: a member's display preferences, applied on the server to every page they see
-- (attributes on <html> that the style sheet and the live script honour, so they hold on the first
-- paint and without JavaScript).
ALTER TABLE members
    -- reduced motion: 'on' (always reduce), 'off' (never), 'system' (follow prefers-reduced-motion)
    ADD COLUMN reduced_motion text    NOT NULL DEFAULT 'system' CHECK (reduced_motion IN ('on', 'off', 'system')),
    -- whether the live script announces live updates to screen readers
    ADD COLUMN live_announce  boolean NOT NULL DEFAULT true;

-- A change of the e-mail address used for mail: it takes effect only once the member opens the link
-- mailed to the new address (one use, expiring); until then mail goes to the old one. The rows are the
-- member's e-mail-change history (in their data export) and go with the member's erasure.
CREATE TABLE email_changes (
    id            bigserial   PRIMARY KEY,
    member_id     bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    old_email     text        CHECK (old_email IS NULL OR char_length(old_email) <= 254),
    new_email     text        NOT NULL CHECK (char_length(new_email) BETWEEN 3 AND 254),
    -- SHA-256 of the link's secret; the secret itself is only in the e-mail
    token_hash    bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    -- 'pending' until confirmed; 'superseded' when the member asked for another address meanwhile
    status        text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'superseded')),
    confirmed_at  timestamptz,
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
);

CREATE INDEX email_changes_member ON email_changes (member_id, requested_at DESC);
