package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.DocumentEvents;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.web.Forms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a thread page shows (template {@code thread/show}). Every component takes part in the
 * shared page's cache key, except {@code clientToken}, which is a per-view hole: so it holds values
 * with value equality only, and the posts as their rendered fragments.
 */
public record ThreadPage(WorkingGroup group, ForumThread thread, int page, boolean lastPage,
    List<Map<String, Object>> pages, boolean canReply, boolean canModerate, boolean signedIn, String subscription,
    boolean hasUnread, long liveSeq, long maxFileMb, List<WorkingGroup> moveTargets,
    List<DocumentEvents.Citation> citedIn, String clientToken, List<Shown> posts) {

  /** A post on the page: its fragment, and whether the viewer's unread posts start with it. */
  public record Shown(String html, boolean unreadMarker) {}

  /** The page for this viewer; {@code html} renders a post's fragment. */
  static ThreadPage of(ThreadService.View view, List<DocumentEvents.Citation> citations, Optional<Member> viewer,
      String clientToken, long maxFileMb, Function<PostView, String> html, Map<String, String> reactionLabels) {
    ThreadService.Page p = view.page();
    int readBefore = p.readBefore();
    List<Shown> posts = new ArrayList<>(p.posts().size());
    for (Post post : p.posts()) {
      posts.add(new Shown(html.apply(PostView.of(post, viewer, p.group(), p.thread(), reactionLabels)),
          readBefore > 0 && post.position() == readBefore + 1));
    }
    return new ThreadPage(p.group(), p.thread(), p.page(), p.page() == p.thread().pages(),
        Forms.pageLinks(p.page(), p.thread().pages()), PostPolicy.canReply(viewer, p.group(), p.thread()),
        GroupPolicy.canModerate(viewer, p.group()), viewer.isPresent(),
        p.subscription() == null ? "normal" : p.subscription(),
        readBefore >= 0 && readBefore < p.thread().postCount(), p.liveSeq(), maxFileMb, view.moveTargets(),
        distinct(citations), clientToken, posts);
  }

  /** One link per document and section, however often it cites this thread. */
  private static List<DocumentEvents.Citation> distinct(List<DocumentEvents.Citation> all) {
    if (all.isEmpty()) {
      return all;
    }
    Map<String, DocumentEvents.Citation> distinct = new LinkedHashMap<>();
    all.forEach(c -> distinct.putIfAbsent(c.documentId() + ":" + c.sectionKey(), c));
    return List.copyOf(distinct.values());
  }
}
