-- Issue 14, point 1: what a member tells others about themselves. All optional; the checks repeat
-- what ProfileForm refuses, so nothing the form would refuse can be stored another way.
ALTER TABLE members
    ADD COLUMN affiliation      text   CHECK (affiliation IS NULL OR char_length(affiliation) BETWEEN 1 AND 120),
    -- ISO 3166-1 alpha-2, upper case (the form checks it against the JDK's list)
    ADD COLUMN country          text   CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'),
    -- one of StakeholderType's codes
    ADD COLUMN stakeholder_type text   CHECK (stakeholder_type IS NULL OR stakeholder_type IN (
        'patient', 'patient_org', 'clinician', 'payer', 'hta', 'regulator', 'public_authority',
        'industry', 'academia', 'other')),
    -- ISO 639-1 codes, lower case, at most 10
    ADD COLUMN languages        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 10),
    -- Markdown as typed; shown through the sanitiser
    ADD COLUMN bio              text   NOT NULL DEFAULT '' CHECK (char_length(bio) <= 2000),
    -- at most 5 https:// addresses
    ADD COLUMN links            text[] NOT NULL DEFAULT '{}' CHECK (cardinality(links) <= 5);

-- A member's uploaded picture, decoded, resized and re-encoded as PNG on the server (so none of the
-- uploaded file's metadata survives): 64 and 256 pixels square. No row: the initials are shown.
CREATE TABLE member_avatars (
    member_id   bigint      PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    small_png   bytea       NOT NULL CHECK (octet_length(small_png) <= 1048576),
    large_png   bytea       NOT NULL CHECK (octet_length(large_png) <= 1048576),
    -- names this version of the picture in URLs and ETags
    version     text        NOT NULL CHECK (version ~ '^[0-9a-f]{16}$'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
