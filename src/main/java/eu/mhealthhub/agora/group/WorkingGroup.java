package eu.mhealthhub.agora.group;

/**
 * A working group as one viewer sees it: its identity, who may read it, counts, and the viewer's
 * role in it.
 *
 * @param closed      only members read anything of a closed group, its name included
 * @param openJoin    members join at once; otherwise they ask and a moderator decides
 * @param viewerRole  the viewer's role in the group: null, "member" or "moderator"
 * @param viewerUnreadThreads threads with posts the viewer has not read (0 for anonymous viewers)
 */
public record WorkingGroup(
    long id,
    String slug,
    String name,
    String purpose,
    boolean closed,
    boolean openJoin,
    boolean archived,
    long memberCount,
    long threadCount,
    String viewerRole,
    long viewerUnreadThreads) {

  public static final int MAX_NAME = 120;
  public static final int MAX_PURPOSE = 2000;

  public boolean viewerIsMember() {
    return viewerRole != null;
  }

  public boolean viewerIsModerator() {
    return "moderator".equals(viewerRole);
  }
}
