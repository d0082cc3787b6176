-- The audit log (issue 13 point 7): moderation_log becomes the append-only record of every
-- moderator and admin action. A reason, a ground (a category such as a DSA legal ground, for the
-- transparency summary) and the state before and after the action where one applies.
ALTER TABLE moderation_log
    ADD COLUMN reason       text NOT NULL DEFAULT '',
    ADD COLUMN ground       text NOT NULL DEFAULT '',
    ADD COLUMN before_value text NOT NULL DEFAULT '',
    ADD COLUMN after_value  text NOT NULL DEFAULT '';

CREATE INDEX moderation_log_created_idx ON moderation_log (created_at DESC, id DESC);
CREATE INDEX moderation_log_actor_idx ON moderation_log (actor_id, created_at DESC);

-- Append-only, enforced by the database whatever role the application connects as: no row is
-- changed or removed, and the table cannot be emptied.
CREATE FUNCTION moderation_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER moderation_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON moderation_log
    FOR EACH ROW EXECUTE FUNCTION moderation_log_append_only();

CREATE TRIGGER moderation_log_no_truncate
    BEFORE TRUNCATE ON moderation_log
    FOR EACH STATEMENT EXECUTE FUNCTION moderation_log_append_only();

-- The features that logged before this migration pass their reason or their change in `detail`;
-- until each writes the columns itself, this fills `reason`, `before_value` and `after_value` from
-- it on insert, for the actions whose `detail` is known to carry them. A row that names them
-- itself is left as it is.
CREATE FUNCTION moderation_log_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reason = '' THEN
        IF NEW.action IN ('member.remove', 'join.approve', 'join.decline', 'post.delete', 'talk.question.hide') THEN
            NEW.reason := NEW.detail;
        ELSIF NEW.action IN ('document.decline', 'document.resolve', 'document.status') AND position(': ' IN NEW.detail) > 0 THEN
            NEW.reason := substr(NEW.detail, position(': ' IN NEW.detail) + 2);
        END IF;
    END IF;
    IF NEW.before_value = '' AND NEW.after_value = '' THEN
        IF NEW.action = 'document.status' AND position(' -> ' IN NEW.detail) > 0 THEN
            NEW.before_value := split_part(NEW.detail, ' -> ', 1);
            NEW.after_value := split_part(split_part(NEW.detail, ' -> ', 2), ':', 1);
        ELSIF NEW.action = 'thread.move' THEN
            NEW.after_value := NEW.detail;
        ELSIF NEW.action IN ('thread.lock', 'thread.unlock', 'thread.pin', 'thread.unpin') THEN
            NEW.before_value := CASE NEW.action WHEN 'thread.lock' THEN 'unlocked' WHEN 'thread.unlock' THEN 'locked'
                                                WHEN 'thread.pin' THEN 'unpinned' ELSE 'pinned' END;
            NEW.after_value := CASE NEW.action WHEN 'thread.lock' THEN 'locked' WHEN 'thread.unlock' THEN 'unlocked'
                                               WHEN 'thread.pin' THEN 'pinned' ELSE 'unpinned' END;
        ELSIF NEW.action IN ('moderator.appoint', 'moderator.revoke') THEN
            NEW.before_value := CASE NEW.action WHEN 'moderator.appoint' THEN 'member' ELSE 'moderator' END;
            NEW.after_value := CASE NEW.action WHEN 'moderator.appoint' THEN 'moderator' ELSE 'member' END;
        ELSIF NEW.action IN ('group.archive', 'group.unarchive') THEN
            NEW.before_value := CASE NEW.action WHEN 'group.archive' THEN 'active' ELSE 'archived' END;
            NEW.after_value := CASE NEW.action WHEN 'group.archive' THEN 'archived' ELSE 'active' END;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER moderation_log_fill_columns
    BEFORE INSERT ON moderation_log
    FOR EACH ROW EXECUTE FUNCTION moderation_log_fill();
