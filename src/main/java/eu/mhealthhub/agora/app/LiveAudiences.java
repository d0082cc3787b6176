package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.web.*;

import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.live.LiveAddress;
import eu.mhealthhub.agora.live.LiveAudience;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read each kind of live address, declared once, in the composition root: the bridge (at
 * register and after every narrowing), presence and {@code GET /live/events} all ask these rules,
 * which are the pages' own read rules. What a grant depends on is what a later change can take
 * away: a thread's and a document's group, a group itself.
 */
final class LiveAudiences {

  private LiveAudiences() {}

  static LiveAudience declare(MemberService members, GroupService groups, ThreadService threads,
      DocumentService documents, TalkService talks) {
    return new LiveAudience()
        .declare("group", (id, member) -> viewer(members, member)
            .compose(viewer -> groups.access(id, viewer))
            .map(group -> Set.of()))
        .declare("thread", (id, member) -> viewer(members, member)
            .compose(viewer -> threads.locate(id, viewer))
            .map(at -> Set.of(LiveAddress.of("group", at.group().id()))))
        .declare("document", (id, member) -> viewer(members, member)
            .compose(viewer -> documents.locate(id, viewer))
            .map(at -> Set.of(LiveAddress.of("group", at.group().id()))))
        // Talks and their rooms are public; events name ids only, and what a page fetches for them is filtered per viewer
        .declare("talk", (id, member) -> talks.exists(id).map(v -> Set.of()))
        .declare("member", (id, member) -> member != null && member == id
            ? Future.succeededFuture(Set.of()) : Future.failedFuture(DomainException.notFound()));
  }

  /** A consensus round's live participation: its panel and its group's moderators (issue 17). */
  static LiveAudience declareRounds(LiveAudience audience, MemberService members,
      eu.mhealthhub.agora.rounds.RoundService rounds) {
    return audience.declare("round", (id, member) -> viewer(members, member)
        .compose(viewer -> rounds.liveReaders(id, viewer)));
  }

  private static Future<Optional<Member>> viewer(MemberService members, Long member) {
    return member == null ? Future.succeededFuture(Optional.empty()) : members.find(member);
  }
}
