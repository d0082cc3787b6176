-- Every committed change that may narrow who can read some live addresses (a group closed, a
-- member removed or leaving, a thread moved), numbered in commit order with no gaps: a writer
-- takes a transaction-scoped advisory lock before taking max + 1, as live_events does per address.
-- Each live event carries the newest number its transaction saw, so a node that receives an event
-- written after a narrowing it has not applied yet fetches the missing rows from here and re-checks
-- the affected subscriptions before it delivers anything.
CREATE TABLE access_changes (
    epoch       bigint      PRIMARY KEY CHECK (epoch > 0),
    -- the addresses whose readers may have changed (group.3, thread.12); empty means every address
    scopes      text[]      NOT NULL,
    -- the members concerned; empty means every member
    members     bigint[]    NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_changes_created_idx ON access_changes (created_at);
