-- A suspension and its lifting are moderation decisions like any other (issue 13 points 3 and 4):
-- the member gets a statement of reasons (DSA Art. 17) and may appeal a suspension once, even while
-- it keeps them from signing in. item_id is then the suspension's id.
ALTER TABLE moderation_decisions DROP CONSTRAINT moderation_decisions_item_type_check;
ALTER TABLE moderation_decisions ADD CONSTRAINT moderation_decisions_item_type_check
    CHECK (item_type IN ('post', 'comment', 'question', 'message', 'notice', 'join', 'appeal', 'suspension'));
ALTER TABLE moderation_decisions DROP CONSTRAINT moderation_decisions_action_check;
ALTER TABLE moderation_decisions ADD CONSTRAINT moderation_decisions_action_check
    CHECK (action IN ('approve', 'hide', 'delete', 'restore', 'warn', 'none', 'uphold', 'reverse', 'suspend', 'lift'));
