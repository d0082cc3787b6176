package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.web.Forms;
import java.util.ArrayList;
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
    List<Map<String, Object>> pages, boolean canReply, boolean canModerate, boolean signedIn, SubscriptionLevel subscription,
    boolean hasUnread, long liveSeq, long maxFileMb, List<WorkingGroup> moveTargets,
    List<CitedIn> citedIn, String clientToken, List<Shown> posts, List<ThreadLink> links, List<SplitChoice> splitChoices,
    List<WorkingGroup> splitTargets) {

  /** A post of this page a moderator may split the thread from (any but the opening post). */
  public record SplitChoice(long postId, int position, String authorName) {}

  /** A document (and section) that cites this thread; the routes translate the document feature's citations. */
  public record CitedIn(long documentId, String documentTitle, Integer sectionKey) {
    public String sectionLabel() {
      return sectionKey == null ? null : "§" + sectionKey;
    }
  }

  /** A post on the page: its fragment, and whether the viewer's unread posts start with it. */
  public record Shown(String html, boolean unreadMarker) {}

  /** The page for this viewer; {@code html} renders a post's fragment. */
  static ThreadPage of(ThreadService.View view, List<CitedIn> citations, Optional<Member> viewer,
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
        p.subscription(),
        readBefore >= 0 && readBefore < p.thread().postCount(), p.liveSeq(), maxFileMb, view.moveTargets(),
        distinct(citations), clientToken, posts, view.links(), splitChoices(view, viewer), splitTargets(view, viewer));
  }

  private static List<SplitChoice> splitChoices(ThreadService.View view, Optional<Member> viewer) {
    ThreadService.Page p = view.page();
    if (!GroupPolicy.canModerate(viewer, p.group())) {
      return List.of();
    }
    return p.posts().stream().filter(post -> post.position() > 1)
        .map(post -> new SplitChoice(post.id(), post.position(), post.authorName())).toList();
  }

  /** The thread's own group first, then the others its moderator moderates. */
  private static List<WorkingGroup> splitTargets(ThreadService.View view, Optional<Member> viewer) {
    if (!GroupPolicy.canModerate(viewer, view.page().group())) {
      return List.of();
    }
    List<WorkingGroup> all = new ArrayList<>();
    all.add(view.page().group());
    all.addAll(view.moveTargets());
    return all;
  }

  /** One link per document and section, however often it cites this thread. */
  private static List<CitedIn> distinct(List<CitedIn> all) {
    return all.size() < 2 ? all : all.stream().distinct().toList();
  }
}
