-- The results library (issue 15): the language a consensus document is written in and a Talk is
-- held in, as a language tag, for the library's language filter. Everything written before this
-- migration was in English, the Hub's working language.
ALTER TABLE documents ADD COLUMN language text NOT NULL DEFAULT 'en'
    CHECK (language IN ('en', 'fr', 'de', 'es', 'it'));
ALTER TABLE talks ADD COLUMN language text NOT NULL DEFAULT 'en'
    CHECK (language IN ('en', 'fr', 'de', 'es', 'it'));

-- The library lists adopted documents of public groups newest first.
CREATE INDEX documents_adopted_idx ON documents (updated_at DESC) WHERE status = 'adopted';
