-- Full-text search over everything a member may read (issue 12, point 4).
--
-- unaccent and pg_trgm are contrib extensions: the embedded PostgreSQL ships them; an external
-- server needs its contrib package (Debian: postgresql-contrib) and a role that may create them.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is STABLE (its dictionary could change), so it cannot appear in an index or a
-- generated column; this wrapper names its dictionary and promises immutability, which holds as
-- long as nobody edits the unaccent rules file.
CREATE FUNCTION agora_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    SET search_path FROM CURRENT
    AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$;

-- One text search configuration per language Agora indexes: the language's stemmer behind the
-- unaccent filter, so "économiques", "economique" and "Économie" meet on one lexeme.
CREATE TEXT SEARCH CONFIGURATION agora_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION agora_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
CREATE TEXT SEARCH CONFIGURATION agora_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION agora_english ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION agora_french (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION agora_french ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION agora_german (COPY = pg_catalog.german);
ALTER TEXT SEARCH CONFIGURATION agora_german ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
CREATE TEXT SEARCH CONFIGURATION agora_spanish (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION agora_spanish ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION agora_italian (COPY = pg_catalog.italian);
ALTER TEXT SEARCH CONFIGURATION agora_italian ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;

-- The configuration for a language name as stored in a language column (simple for anything else).
CREATE FUNCTION agora_search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path FROM CURRENT
    AS $$ SELECT CASE language
                   WHEN 'english' THEN 'agora_english'::regconfig
                   WHEN 'french'  THEN 'agora_french'::regconfig
                   WHEN 'german'  THEN 'agora_german'::regconfig
                   WHEN 'spanish' THEN 'agora_spanish'::regconfig
                   WHEN 'italian' THEN 'agora_italian'::regconfig
                   ELSE 'agora_simple'::regconfig END $$;

-- The configurations of PostgreSQL itself, which stem words with their accents: "remboursées"
-- and "rembourse" both give "rembours" there, while the unaccented "remboursees" gives "rembourse".
CREATE FUNCTION agora_stem_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE language
                   WHEN 'english' THEN 'pg_catalog.english'::regconfig
                   WHEN 'french'  THEN 'pg_catalog.french'::regconfig
                   WHEN 'german'  THEN 'pg_catalog.german'::regconfig
                   WHEN 'spanish' THEN 'pg_catalog.spanish'::regconfig
                   WHEN 'italian' THEN 'pg_catalog.italian'::regconfig
                   ELSE 'pg_catalog.simple'::regconfig END $$;

-- Lexemes without their accents, through their text form. The characters unaccent turns into a
-- quote or a backslash (which would break that form) become underscores first.
CREATE FUNCTION agora_fold_lexemes(v tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    SET search_path FROM CURRENT
    AS $$ SELECT agora_unaccent(translate(v::text, 'ŉʹʻʼʽˈ‘’‛′∖﹨＇＼', '______________'))::tsvector $$;
CREATE FUNCTION agora_fold_query(q tsquery) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    SET search_path FROM CURRENT
    AS $$ SELECT CASE WHEN numnode(q) = 0 THEN q
                      ELSE agora_unaccent(translate(q::text, 'ŉʹʻʼʽˈ‘’‛′∖﹨＇＼', '______________'))::tsquery END $$;

-- A text's search vector, three times over: stemmed with its accents then folded, folded then
-- stemmed (so a word typed with or without accents meets one of them), and unstemmed, so that a
-- reader of another language still finds the exact word. Concatenation shifts each part's
-- positions, so a phrase matches within one part.
CREATE FUNCTION agora_search_vector(language text, body text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path FROM CURRENT
    AS $$ SELECT setweight(CASE WHEN coalesce(language, 'simple') = 'simple'
                   THEN to_tsvector('agora_simple'::regconfig, coalesce(body, ''))
                   ELSE agora_fold_lexemes(to_tsvector(agora_stem_config(language), coalesce(body, '')))
                     || to_tsvector(agora_search_config(language), coalesce(body, ''))
                     || to_tsvector('agora_simple'::regconfig, coalesce(body, '')) END, weight) $$;

-- A query as typed (websearch syntax) for a reader of the language: any of the three forms.
CREATE FUNCTION agora_search_query(language text, typed text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path FROM CURRENT
    AS $$ SELECT websearch_to_tsquery(agora_search_config(language), typed)
              || agora_fold_query(websearch_to_tsquery(agora_stem_config(language), typed))
              || websearch_to_tsquery('agora_simple'::regconfig, typed) $$;

-- Posts are written in a language their author chose; a thread takes its opening post's.
ALTER TABLE posts ADD COLUMN language text NOT NULL DEFAULT 'simple'
    CHECK (language IN ('english', 'french', 'german', 'spanish', 'italian', 'simple'));
ALTER TABLE threads ADD COLUMN language text NOT NULL DEFAULT 'simple'
    CHECK (language IN ('english', 'french', 'german', 'spanish', 'italian', 'simple'));

-- Generated columns: the transaction that writes a row writes its vector, nothing can forget to.
-- Thread titles weigh A, post bodies B.
ALTER TABLE threads ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector(language, title, 'A')) STORED;
CREATE INDEX threads_search_idx ON threads USING gin (search_vector);
ALTER TABLE posts ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector(language, body_markdown, 'B')) STORED;
CREATE INDEX posts_search_idx ON posts USING gin (search_vector);
CREATE INDEX posts_created_idx ON posts (created_at);

-- Attachments are found by their file name (as a post's).
ALTER TABLE attachments ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', translate(file_name, '._-', '   '), 'B')) STORED;
CREATE INDEX attachments_search_idx ON attachments USING gin (search_vector);

-- Documents have no language of their own: indexed unstemmed, accents aside. Every revision's
-- sections are indexed; queries keep those of the current revision.
ALTER TABLE documents ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', title, 'A')) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (search_vector);
ALTER TABLE document_sections ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', source, CASE WHEN heading THEN 'A'::"char" ELSE 'B'::"char" END)) STORED;
CREATE INDEX document_sections_search_idx ON document_sections USING gin (search_vector);
ALTER TABLE document_comments ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', body, 'B')) STORED;
CREATE INDEX document_comments_search_idx ON document_comments USING gin (search_vector);

-- Talks: title A, description B; speakers' names A, affiliations B; questions B.
ALTER TABLE talks ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', title, 'A') || agora_search_vector('simple', description, 'B')) STORED;
CREATE INDEX talks_search_idx ON talks USING gin (search_vector);
ALTER TABLE talk_speakers ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', name, 'A') || agora_search_vector('simple', affiliation, 'B')) STORED;
CREATE INDEX talk_speakers_search_idx ON talk_speakers USING gin (search_vector);
ALTER TABLE talk_questions ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (agora_search_vector('simple', body, 'B')) STORED;
CREATE INDEX talk_questions_search_idx ON talk_questions USING gin (search_vector);

-- Prefix suggestions and "did you mean": trigrams of titles, accents and case aside.
CREATE INDEX threads_title_trgm_idx ON threads USING gin (agora_unaccent(lower(title)) gin_trgm_ops);
CREATE INDEX documents_title_trgm_idx ON documents USING gin (agora_unaccent(lower(title)) gin_trgm_ops);
CREATE INDEX talks_title_trgm_idx ON talks USING gin (agora_unaccent(lower(title)) gin_trgm_ops);
