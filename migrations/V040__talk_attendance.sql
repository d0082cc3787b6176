-- Issue 15 point 6: attendance in a Talk's live room, from presence. One row per Talk and signed-in
-- member seen present while the room was open: first_seen on their first heartbeat, last_seen moved
-- at most once a minute (talk/TalkAttendance), never once per heartbeat. Goes with the member's erasure.
CREATE TABLE talk_attendance (
    talk_id     bigint      NOT NULL REFERENCES talks (id) ON DELETE CASCADE,
    member_id   bigint      NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (talk_id, member_id),
    CHECK (last_seen >= first_seen)
);
CREATE INDEX talk_attendance_member_idx ON talk_attendance (member_id);
