-- Erasure of a member's account (GDPR Art. 17, issue 14 point 5). The member's row stays, so that
-- posts, document contributions, votes and endorsements keep their author and every count stays
-- right, but it no longer holds anything about the person: the name becomes "Former member", the
-- handle an unguessable placeholder, the issuer and subject a tombstone that no sign-in can match
-- (a later sign-in with the same provider account makes a new, unrelated member), and e-mail,
-- language and time zone are emptied. erased_at says that this happened (and when).
ALTER TABLE members ADD COLUMN erased_at timestamptz;

-- A post deleted because its author erased their account and asked for their posts to go too:
-- its text is gone, and no moderator's restore can bring it back.
ALTER TABLE posts ADD COLUMN erased boolean NOT NULL DEFAULT false;
