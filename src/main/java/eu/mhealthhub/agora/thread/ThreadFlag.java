package eu.mhealthhub.agora.thread;

/** What a moderator switches on a thread: pinned to the top of its group, or locked against replies. */
public enum ThreadFlag {
  PINNED("thread.pin", "thread.unpin"),
  LOCKED("thread.lock", "thread.unlock");

  private final String setAction;
  private final String clearAction;

  ThreadFlag(String setAction, String clearAction) {
    this.setAction = setAction;
    this.clearAction = clearAction;
  }

  /** The moderation log's name for switching the flag on or off. */
  String auditAction(boolean on) {
    return on ? setAction : clearAction;
  }
}
