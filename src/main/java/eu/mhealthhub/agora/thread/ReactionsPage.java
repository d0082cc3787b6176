package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.WorkingGroup;
import java.util.ArrayList;
import java.util.List;

/** Who reacted how to a post, by kind of reaction (template {@code thread/reactions}). */
public record ReactionsPage(WorkingGroup group, ForumThread thread, Post post, List<Kind> kinds) {

  /** A kind of reaction with the names of who chose it. */
  public record Kind(String kind, String symbol, List<String> names) {}

  static ReactionsPage of(ThreadService.WhoReacted who) {
    List<Kind> kinds = new ArrayList<>();
    for (Reactions.Kind k : Reactions.KINDS) {
      List<String> names = who.rows().stream().filter(r -> r.kind().equals(k.name())).map(Reaction::displayName).toList();
      if (!names.isEmpty()) {
        kinds.add(new Kind(k.name(), k.symbol(), names));
      }
    }
    return new ReactionsPage(who.at().group(), who.at().thread(), who.at().post(), kinds);
  }
}
