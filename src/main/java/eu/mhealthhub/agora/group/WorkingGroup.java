package eu.mhealthhub.agora.group;

/**
 * A working group as listed: its identity, who may read it, and counts the viewer may see.
 *
 * @param closed      only members read anything of a closed group, its name included
 * @param viewerRole  the viewer's role in the group: null, "member" or "moderator"
 */
public record WorkingGroup(
    long id,
    String slug,
    String name,
    String purpose,
    boolean closed,
    boolean openJoin,
    long memberCount,
    long threadCount,
    String viewerRole) {

  public boolean viewerIsMember() {
    return viewerRole != null;
  }

  public boolean viewerIsModerator() {
    return "moderator".equals(viewerRole);
  }
}
