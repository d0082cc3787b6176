-- One row per sign-in through the identity provider. The session keeps the row's id; a session
-- whose sign-in has ended is signed out on its next request, on any node, whatever session store
-- holds it. The provider ends sign-ins through back-channel or front-channel logout, naming its
-- own session id (sid) or the member's subject.
CREATE TABLE sign_ins (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id     bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- the provider's session id (the ID token's "sid" claim), when it sends one
    provider_sid  text        CHECK (char_length(provider_sid) <= 255),
    signed_in_at  timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz
);

CREATE INDEX sign_ins_provider_sid ON sign_ins (provider_sid) WHERE provider_sid IS NOT NULL;
CREATE INDEX sign_ins_member ON sign_ins (member_id);
-- rows older than the longest session are pruned
CREATE INDEX sign_ins_signed_in_at ON sign_ins (signed_in_at);
