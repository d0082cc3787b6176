-- Issue 13 point 1: Talk questions and chat messages hidden pending review because enough members
-- flagged them. They keep the room's own hidden states (a question's status 'hidden', a message's
-- hidden_at); this column tells a held item from one a moderator hid, so the room shows a notice
-- in its place instead of nothing. A moderator who shows a held question again clears it.
ALTER TABLE talk_questions ADD COLUMN held_for_review_at timestamptz;
ALTER TABLE talk_messages ADD COLUMN held_for_review_at timestamptz;
