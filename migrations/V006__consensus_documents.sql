-- Consensus documents: a group's shared positions, kept as immutable numbered revisions.

CREATE TABLE documents (
    id                bigserial   PRIMARY KEY,
    group_id          bigint      NOT NULL REFERENCES working_groups (id),
    title             text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    status            text        NOT NULL DEFAULT 'draft'
                                  CHECK (status IN ('draft', 'open', 'consensus', 'adopted', 'archived')),
    current_revision  integer     NOT NULL DEFAULT 1 CHECK (current_revision >= 1),
    adopted_revision  integer,
    -- section keys are handed out from here and never reused, so "§7" always means one section
    next_section      integer     NOT NULL DEFAULT 1,
    created_by        bigint      NOT NULL REFERENCES members (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    client_token      text,
    UNIQUE (created_by, client_token)
);
CREATE INDEX documents_group_idx ON documents (group_id, updated_at DESC);

CREATE TABLE document_revisions (
    document_id   bigint      NOT NULL REFERENCES documents (id),
    number        integer     NOT NULL CHECK (number >= 1),
    author_id     bigint      NOT NULL REFERENCES members (id),
    -- who made the revision when it differs from its author: the moderator who accepted a proposal
    committed_by  bigint      NOT NULL REFERENCES members (id),
    summary       text        NOT NULL CHECK (char_length(summary) <= 1000),
    summary_html  text        NOT NULL,
    body          text        NOT NULL,
    proposal_id   bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, number)
);

-- The blocks of one revision (headings, paragraphs, lists, tables...), each under its stable key.
CREATE TABLE document_sections (
    document_id  bigint  NOT NULL,
    revision     integer NOT NULL,
    position     integer NOT NULL,
    section_key  integer NOT NULL,
    heading      boolean NOT NULL,
    source       text    NOT NULL,
    html         text    NOT NULL,
    PRIMARY KEY (document_id, revision, position),
    UNIQUE (document_id, revision, section_key),
    FOREIGN KEY (document_id, revision) REFERENCES document_revisions (document_id, number)
);
CREATE INDEX document_sections_key_idx ON document_sections (document_id, section_key, revision);

-- Revisions and their sections are a record: once written, never changed or removed.
CREATE FUNCTION agora_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER document_revisions_immutable BEFORE UPDATE OR DELETE ON document_revisions
    FOR EACH ROW EXECUTE FUNCTION agora_immutable();
CREATE TRIGGER document_sections_immutable BEFORE UPDATE OR DELETE ON document_sections
    FOR EACH ROW EXECUTE FUNCTION agora_immutable();

CREATE TABLE document_status_changes (
    id           bigserial   PRIMARY KEY,
    document_id  bigint      NOT NULL REFERENCES documents (id),
    from_status  text,
    to_status    text        NOT NULL,
    revision     integer     NOT NULL,
    member_id    bigint      NOT NULL REFERENCES members (id),
    note         text        NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_status_changes_doc_idx ON document_status_changes (document_id, id);

CREATE TABLE document_proposals (
    id                 bigserial   PRIMARY KEY,
    document_id        bigint      NOT NULL REFERENCES documents (id),
    base_revision      integer     NOT NULL,
    author_id          bigint      NOT NULL REFERENCES members (id),
    rationale          text        NOT NULL CHECK (char_length(rationale) BETWEEN 1 AND 4000),
    rationale_html     text        NOT NULL,
    body               text        NOT NULL,
    status             text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    decided_by         bigint      REFERENCES members (id),
    decided_at         timestamptz,
    decision_reason    text        NOT NULL DEFAULT '',
    accepted_revision  integer,
    created_at         timestamptz NOT NULL DEFAULT now(),
    client_token       text,
    UNIQUE (author_id, client_token),
    FOREIGN KEY (document_id, base_revision) REFERENCES document_revisions (document_id, number)
);
CREATE INDEX document_proposals_doc_idx ON document_proposals (document_id, status, id);

CREATE TABLE document_comments (
    id                  bigserial   PRIMARY KEY,
    document_id         bigint      NOT NULL REFERENCES documents (id),
    section_key         integer     NOT NULL,
    revision            integer     NOT NULL,
    author_id           bigint      NOT NULL REFERENCES members (id),
    body                text        NOT NULL,
    html                text        NOT NULL,
    disposition         text        CHECK (disposition IN ('accepted', 'partial', 'declined')),
    disposition_reason  text        NOT NULL DEFAULT '',
    resolved_by         bigint      REFERENCES members (id),
    resolved_at         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    client_token        text,
    UNIQUE (author_id, client_token),
    FOREIGN KEY (document_id, revision) REFERENCES document_revisions (document_id, number)
);
CREATE INDEX document_comments_doc_idx ON document_comments (document_id, section_key, id);

-- One endorsement per member and document, of one revision; endorsing again moves it.
CREATE TABLE document_endorsements (
    document_id  bigint      NOT NULL REFERENCES documents (id),
    member_id    bigint      NOT NULL REFERENCES members (id),
    revision     integer     NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, member_id),
    FOREIGN KEY (document_id, revision) REFERENCES document_revisions (document_id, number)
);

-- Posts and threads a revision summary or a comment cites.
CREATE TABLE document_citations (
    id           bigserial PRIMARY KEY,
    document_id  bigint    NOT NULL REFERENCES documents (id),
    revision     integer,
    comment_id   bigint    REFERENCES document_comments (id),
    section_key  integer,
    thread_id    bigint    NOT NULL REFERENCES threads (id),
    post_id      bigint    REFERENCES posts (id),
    CHECK ((revision IS NULL) <> (comment_id IS NULL))
);
CREATE INDEX document_citations_thread_idx ON document_citations (thread_id);
CREATE INDEX document_citations_doc_idx ON document_citations (document_id);

-- Documents (and Talks, next) announce their changes on their own addresses.
ALTER TABLE live_events DROP CONSTRAINT live_events_address_check;
ALTER TABLE live_events ADD CONSTRAINT live_events_address_check
    CHECK (address ~ '^(thread|group|member|groups|document|talk)(\.[0-9]+)?$');
