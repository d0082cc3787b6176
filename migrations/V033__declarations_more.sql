-- Talk speakers declare interests with the structure members use (issue 14, point 2), instead of
-- V007's free text. A speaker who is a member (member_id) is shown with their own declaration in
-- force; one who is not gets a declaration of their own, kept with the Talk, versioned like a
-- member's: each change makes a new version and earlier ones stay.
--
-- Speaker rows are rewritten at every edit of a Talk, so a speaker's declarations hang off a key the
-- Talk form carries from one edit to the next (speaker_key), not off the row or its position.
ALTER TABLE talk_speakers ADD COLUMN speaker_key uuid NOT NULL DEFAULT gen_random_uuid();

CREATE TABLE talk_speaker_declarations (
    id                  bigserial   PRIMARY KEY,
    talk_id             bigint      NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    speaker_key         uuid        NOT NULL,
    version             integer     NOT NULL CHECK (version >= 1),
    nothing_to_declare  boolean     NOT NULL,
    -- what the speaker declared as free text before this migration, kept word for word and shown
    -- labelled as such; NULL for every declaration made since
    legacy_note         text        CHECK (char_length(legacy_note) <= 1000),
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (talk_id, speaker_key, version)
);

-- The same entries, kinds, periods and amount bands as declaration_entries (V029).
CREATE TABLE talk_speaker_declaration_entries (
    declaration_id  bigint  NOT NULL REFERENCES talk_speaker_declarations (id) ON DELETE CASCADE,
    position        integer NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('employment', 'consultancy', 'research_funding', 'shares',
                                                     'payer_hta', 'speaker_fees', 'other')),
    organisation    text    NOT NULL CHECK (char_length(organisation) BETWEEN 1 AND 200),
    description     text    NOT NULL DEFAULT '' CHECK (char_length(description) <= 1000),
    period_start    date    NOT NULL,
    period_end      date    CHECK (period_end IS NULL OR period_end >= period_start),
    is_current      boolean NOT NULL,
    amount_band     text    CHECK (amount_band IN ('under_1k', '1k_10k', '10k_50k', '50k_100k', 'over_100k')),
    PRIMARY KEY (declaration_id, position)
);

-- Today's free text becomes the first version of the speaker's declaration, as a legacy note: its
-- words are kept, not guessed into entries. A member speaker's text is kept too (their own
-- declaration is what the page shows beside them, but nothing typed is lost).
INSERT INTO talk_speaker_declarations (talk_id, speaker_key, version, nothing_to_declare, legacy_note)
SELECT s.talk_id, s.speaker_key, 1, false, s.declared_interests
  FROM talk_speakers s
 WHERE btrim(s.declared_interests) <> '';

-- Expand, not contract: the free-text column stays while a node of the previous release may still read and write
-- it during a rolling update (README, "Rolling updates"); nothing of this release reads it, and a later
-- migration drops it with a "-- contract:" note.
COMMENT ON COLUMN talk_speakers.declared_interests IS
    'Unused since V033 (moved into talk_speaker_declarations.legacy_note); to be dropped by a contract migration.';
