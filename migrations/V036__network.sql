-- Issue 15, points 3 to 5 and 7: people who follow the Hub without being members ("Join our
-- network"), with double opt-in, and the announcements sent to them.

-- One row per e-mail address (lower-cased). A follower is sent nothing but the confirmation until
-- confirmed_at is set; status 'unsubscribed' and 'bounced' are never sent anything again.
CREATE TABLE network_followers (
    id                bigserial   PRIMARY KEY,
    email             text        NOT NULL UNIQUE CHECK (email = lower(email) AND char_length(email) BETWEEN 3 AND 254),
    name              text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    organisation      text        CHECK (organisation IS NULL OR char_length(organisation) BETWEEN 1 AND 120),
    country           text        CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'),
    stakeholder_type  text        CHECK (stakeholder_type IS NULL OR stakeholder_type IN (
        'patient', 'patient_org', 'clinician', 'payer', 'hta', 'regulator', 'public_authority',
        'industry', 'academia', 'other')),
    locale            text        NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr', 'de')),
    -- 'talks', 'results', or 'group:<id>' of a public working group
    topics            text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(topics) <= 50),
    consent           boolean     NOT NULL,
    source            text        NOT NULL CHECK (source IN ('signup', 'import')),
    status            text        NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
    -- what the confirmation link must name: cleared when it is used, so a link works once
    confirm_nonce     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    confirmed_at      timestamptz,
    unsubscribed_at   timestamptz,
    -- an imported former follower: when the one re-permission message was queued (never a second)
    repermission_sent_at timestamptz,
    -- the member this follower became at their first sign-in with the same verified e-mail
    member_id         bigint      UNIQUE REFERENCES members (id) ON DELETE SET NULL,
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL) OR status IN ('unsubscribed', 'bounced'))
);
CREATE INDEX network_followers_confirmed ON network_followers (confirmed_at) WHERE status = 'confirmed';

-- A follower becomes a member with the same data at the member's creation (first sign-in) when the
-- provider vouched for the e-mail (Agora keeps a sign-in's e-mail only when email_verified is not
-- false) and the follower confirmed it too: the profile fields are filled from the follower, and
-- the follower row is linked. An existing member signing in again changes nothing.
CREATE FUNCTION network_follower_profile() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f network_followers%ROWTYPE;
BEGIN
    IF NEW.email IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT * INTO f FROM network_followers
     WHERE email = lower(NEW.email) AND status = 'confirmed' AND member_id IS NULL;
    IF FOUND THEN
        NEW.affiliation := coalesce(NEW.affiliation, f.organisation);
        NEW.country := coalesce(NEW.country, f.country);
        NEW.stakeholder_type := coalesce(NEW.stakeholder_type, f.stakeholder_type);
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION network_follower_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.email IS NOT NULL THEN
        UPDATE network_followers SET member_id = NEW.id
         WHERE email = lower(NEW.email) AND status = 'confirmed' AND member_id IS NULL;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER members_network_profile BEFORE INSERT ON members
    FOR EACH ROW EXECUTE FUNCTION network_follower_profile();
CREATE TRIGGER members_network_link AFTER INSERT ON members
    FOR EACH ROW EXECUTE FUNCTION network_follower_link();

-- Announcements: written by an admin (or a group's moderator for that group's followers), in
-- Markdown (the sanitised HTML stored beside it), with optional French and German versions.
CREATE TABLE network_announcements (
    id            bigserial   PRIMARY KEY,
    author_id     bigint      REFERENCES members (id) ON DELETE SET NULL,
    topics        text[]      NOT NULL CHECK (cardinality(topics) BETWEEN 1 AND 50),
    title_en      text        NOT NULL CHECK (char_length(title_en) BETWEEN 1 AND 200),
    body_en       text        NOT NULL CHECK (char_length(body_en) BETWEEN 1 AND 20000),
    html_en       text        NOT NULL,
    title_fr      text        CHECK (title_fr IS NULL OR char_length(title_fr) BETWEEN 1 AND 200),
    body_fr       text        CHECK (body_fr IS NULL OR char_length(body_fr) <= 20000),
    html_fr       text,
    title_de      text        CHECK (title_de IS NULL OR char_length(title_de) BETWEEN 1 AND 200),
    body_de       text        CHECK (body_de IS NULL OR char_length(body_de) <= 20000),
    html_de       text,
    published_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX network_announcements_published ON network_announcements (published_at DESC);

-- Who an announcement went to: one row per follower, so it is never queued twice for anyone.
CREATE TABLE network_deliveries (
    announcement_id bigint NOT NULL REFERENCES network_announcements (id) ON DELETE CASCADE,
    follower_id     bigint NOT NULL REFERENCES network_followers (id) ON DELETE CASCADE,
    queued_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (announcement_id, follower_id)
);

-- Erasing a member (privacy/ErasureService sets erased_at) erases the follower they were too.
CREATE FUNCTION network_follower_erase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM network_followers WHERE member_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER members_network_erase AFTER UPDATE OF erased_at ON members
    FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL AND OLD.erased_at IS NULL)
    EXECUTE FUNCTION network_follower_erase();

-- A CSV of former followers an admin uploaded: kept between the dry run and the apply, so that what
-- is applied is exactly what was shown. Applying twice creates nothing the second time.
CREATE TABLE network_imports (
    id           bigserial   PRIMARY KEY,
    admin_id     bigint      REFERENCES members (id) ON DELETE SET NULL,
    file_name    text        NOT NULL CHECK (char_length(file_name) <= 255),
    content      text        NOT NULL CHECK (octet_length(content) <= 2097152),
    created_at   timestamptz NOT NULL DEFAULT now(),
    applied_at   timestamptz
);

-- A message to a follower the outbox gave up on (a refused recipient, or too many failed attempts)
-- makes the follower 'bounced': they are never sent anything again, even after the outbox row is pruned.
CREATE FUNCTION network_follower_bounce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_followers SET status = 'bounced', confirm_nonce = NULL
     WHERE email = lower(NEW.recipient) AND status <> 'bounced';
    RETURN NULL;
END $$;

CREATE TRIGGER mail_outbox_network_bounce AFTER UPDATE OF state ON mail_outbox
    FOR EACH ROW WHEN (NEW.state = 'failed' AND OLD.state <> 'failed' AND NEW.kind LIKE 'network.%')
    EXECUTE FUNCTION network_follower_bounce();
