package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A post with what this viewer may do with it, for templates. It holds exactly what the post's
 * fragment shows, so equal views render to equal HTML (the fragment cache's key).
 */
public record PostView(Post post, boolean showBody, boolean canEdit, boolean canDelete, boolean canRestore,
    boolean canReact, boolean canReply, List<ReactionView> reactions, boolean canApprove, boolean canFlag) {

  /**
   * A hash of a few fields that tell versions of a post apart, so that looking a view up in the
   * fragment cache does not hash every text of the post (its body, names) on every page view. It
   * agrees with the record's {@code equals}, which still compares everything.
   */
  @Override
  public int hashCode() {
    int h = Long.hashCode(post.id());
    h = 31 * h + post.revision();
    h = 31 * h + (post.deleted() ? 1 : 0);
    h = 31 * h + (showBody ? 1 : 0) + (canEdit ? 2 : 0) + (canDelete ? 4 : 0) + (canRestore ? 8 : 0)
        + (canReact ? 16 : 0) + (canReply ? 32 : 0) + (canApprove ? 64 : 0) + (post.held() ? 128 : 0);
    for (ReactionView r : reactions) {
      h = 31 * h + r.count() + (r.mine() ? 1 << 30 : 0);
    }
    return h;
  }

  /** A reaction button: its kind, symbol, count, and whether the viewer chose it. */
  public record ReactionView(String kind, String symbol, String label, int count, boolean mine) {}

  /**
   * The view of a post for one viewer; {@code labels} are the reaction names in the viewer's
   * language, looked up once per page rather than once per button.
   */
  public static PostView of(Post p, Optional<Member> viewer, WorkingGroup group, ForumThread thread,
      java.util.Map<String, String> labels) {
    List<ReactionView> reactions = new ArrayList<>();
    for (Reactions.Kind k : Reactions.KINDS) {
      Post.ReactionCount c = null;
      for (Post.ReactionCount r : p.reactions()) {
        if (r.kind().equals(k.name())) {
          c = r;
        }
      }
      reactions.add(new ReactionView(k.name(), k.symbol(), labels.getOrDefault(k.name(), k.name()),
          c == null ? 0 : c.count(), c != null && c.mine()));
    }
    // a rejected held post is still its author's to read and edit
    boolean show = !p.deleted() || PostPolicy.canSeeDeleted(viewer, group)
        || (p.held() && viewer.map(m -> m.id() == p.authorId()).orElse(false));
    return new PostView(p, show, PostPolicy.canEditAny(viewer, group, p), PostPolicy.canDelete(viewer, group, p) && !p.held(),
        PostPolicy.canRestore(viewer, group, p) && !p.held(), PostPolicy.canReact(viewer, group, p),
        PostPolicy.canReply(viewer, group, thread) && !p.held(), reactions, PostPolicy.canApprove(viewer, group, p),
        // the flag link: members, on others' published posts; visitors get the notice link only
        !p.held() && viewer.map(m -> m.id() != p.authorId()).orElse(false));
  }

  /** The reaction names in the reader's language, looked up once per page rather than per button. */
  static java.util.Map<String, String> labels(eu.mhealthhub.agora.web.I18n.Messages messages) {
    java.util.Map<String, String> labels = new java.util.HashMap<>();
    for (Reactions.Kind k : Reactions.KINDS) {
      labels.put(k.name(), messages.get("reaction." + k.name()));
    }
    return labels;
  }
}
