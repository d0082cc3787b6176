-- Declarations of interest (issue 14, point 2). A member's declaration is a series of immutable
-- versions: each save adds one, so what was declared when something was written stays readable.
-- "Nothing to declare" is a version without entries. confirmed_at moves when the member confirms
-- the declaration unchanged; reminded_at when the yearly reminder told them to.
CREATE TABLE declaration_versions (
    id                  bigserial   PRIMARY KEY,
    member_id           bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    version             integer     NOT NULL CHECK (version >= 1),
    nothing_to_declare  boolean     NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    confirmed_at        timestamptz NOT NULL DEFAULT now(),
    reminded_at         timestamptz,
    UNIQUE (member_id, version)
);
CREATE INDEX declaration_versions_confirmed_idx ON declaration_versions (confirmed_at);

CREATE TABLE declaration_entries (
    version_id    bigint  NOT NULL REFERENCES declaration_versions (id) ON DELETE CASCADE,
    position      integer NOT NULL,
    kind          text    NOT NULL CHECK (kind IN ('employment', 'consultancy', 'research_funding', 'shares',
                                                   'payer_hta', 'speaker_fees', 'other')),
    organisation  text    NOT NULL CHECK (char_length(organisation) BETWEEN 1 AND 200),
    description   text    NOT NULL DEFAULT '' CHECK (char_length(description) <= 1000),
    period_start  date    NOT NULL,
    period_end    date    CHECK (period_end IS NULL OR period_end >= period_start),
    is_current    boolean NOT NULL,
    amount_band   text    CHECK (amount_band IN ('under_1k', '1k_10k', '10k_50k', '50k_100k', 'over_100k')),
    PRIMARY KEY (version_id, position)
);

-- The version of the member's declaration in force at an instant: the last one made by then.
CREATE FUNCTION declaration_in_force(member bigint, at timestamptz) RETURNS integer
    LANGUAGE sql STABLE AS $$
    SELECT v.version FROM declaration_versions v
     WHERE v.member_id = member AND v.created_at <= at
     ORDER BY v.version DESC LIMIT 1
$$;

-- Contributions remember, as they are written, the declaration version in force: the badge beside
-- them links it without a query per item, and a later change of declaration does not move it.
-- TG_ARGV[0] names the column that holds the contributor.
CREATE FUNCTION set_declaration_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.declaration_version := declaration_in_force((to_jsonb(NEW) ->> TG_ARGV[0])::bigint,
                                                    coalesce(NEW.created_at, now()));
    RETURN NEW;
END
$$;

ALTER TABLE posts ADD COLUMN declaration_version integer;
CREATE TRIGGER posts_declaration BEFORE INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION set_declaration_version('author_id');
ALTER TABLE document_comments ADD COLUMN declaration_version integer;
CREATE TRIGGER document_comments_declaration BEFORE INSERT ON document_comments
    FOR EACH ROW EXECUTE FUNCTION set_declaration_version('author_id');
ALTER TABLE document_proposals ADD COLUMN declaration_version integer;
CREATE TRIGGER document_proposals_declaration BEFORE INSERT ON document_proposals
    FOR EACH ROW EXECUTE FUNCTION set_declaration_version('author_id');
-- endorsing again moves the endorsement (and its created_at): the declaration follows it
ALTER TABLE document_endorsements ADD COLUMN declaration_version integer;
CREATE TRIGGER document_endorsements_declaration BEFORE INSERT OR UPDATE ON document_endorsements
    FOR EACH ROW EXECUTE FUNCTION set_declaration_version('member_id');
ALTER TABLE talk_questions ADD COLUMN declaration_version integer;
CREATE TRIGGER talk_questions_declaration BEFORE INSERT ON talk_questions
    FOR EACH ROW EXECUTE FUNCTION set_declaration_version('author_id');

-- A group may require a current declaration (confirmed within a year) to post or endorse.
ALTER TABLE working_groups ADD COLUMN requires_declaration boolean NOT NULL DEFAULT false;

-- Posting or endorsing in such a group without a current declaration is refused where it is
-- written, in the writer's transaction, so no path stores it: SQLSTATE AG403 carries the message
-- key, and db/Database.explain turns it into a 403.
CREATE FUNCTION require_current_declaration() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    writer bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    grp bigint;
BEGIN
    IF TG_TABLE_NAME = 'posts' THEN
        SELECT t.group_id INTO grp FROM threads t WHERE t.id = NEW.thread_id;
    ELSE
        SELECT d.group_id INTO grp FROM documents d WHERE d.id = NEW.document_id;
    END IF;
    IF EXISTS (SELECT 1 FROM working_groups g WHERE g.id = grp AND g.requires_declaration)
       AND NOT EXISTS (SELECT 1 FROM declaration_versions v
                        WHERE v.member_id = writer
                          AND v.version = (SELECT max(x.version) FROM declaration_versions x WHERE x.member_id = writer)
                          AND v.confirmed_at > now() - interval '1 year') THEN
        RAISE EXCEPTION USING ERRCODE = 'AG403', MESSAGE = 'declaration.required.text';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER posts_require_declaration BEFORE INSERT ON posts
    FOR EACH ROW EXECUTE FUNCTION require_current_declaration('author_id');
CREATE TRIGGER document_endorsements_require_declaration BEFORE INSERT OR UPDATE ON document_endorsements
    FOR EACH ROW EXECUTE FUNCTION require_current_declaration('member_id');
