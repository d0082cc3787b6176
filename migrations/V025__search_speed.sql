-- Search checks a post's group without looking up its thread (issue 12, point 7): a word in 1,400
-- posts cost 1,400 index look-ups of their threads only to read each thread's group. A post keeps
-- its thread's group in group_id, set by the database itself whenever a post is written or moved
-- to another thread and whenever a thread moves to another group, so nothing can forget it.

ALTER TABLE posts ADD COLUMN group_id bigint;
UPDATE posts p SET group_id = t.group_id FROM threads t WHERE t.id = p.thread_id;
ALTER TABLE posts ALTER COLUMN group_id SET NOT NULL;

-- Any value written to posts.group_id is replaced by the thread's group.
CREATE FUNCTION agora_post_group() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    SELECT t.group_id INTO NEW.group_id FROM threads t WHERE t.id = NEW.thread_id;
    RETURN NEW;
END $$;
CREATE TRIGGER posts_group BEFORE INSERT OR UPDATE OF thread_id, group_id ON posts
    FOR EACH ROW EXECUTE FUNCTION agora_post_group();

-- A thread that moves takes its posts along.
CREATE FUNCTION agora_thread_posts_group() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
    AS $$
BEGIN
    UPDATE posts SET group_id = NEW.group_id WHERE thread_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER threads_posts_group AFTER UPDATE OF group_id ON threads
    FOR EACH ROW WHEN (OLD.group_id IS DISTINCT FROM NEW.group_id) EXECUTE FUNCTION agora_thread_posts_group();
