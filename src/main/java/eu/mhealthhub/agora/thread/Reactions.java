package eu.mhealthhub.agora.thread;

import java.util.List;

/** The fixed set of reactions, in display order, with the symbol each shows. */
public final class Reactions {

  public record Kind(String name, String symbol) {}

  public static final List<Kind> KINDS = List.of(
      new Kind("like", "👍"), new Kind("agree", "✅"), new Kind("insightful", "💡"),
      new Kind("thanks", "🙏"), new Kind("question", "❓"));

  private Reactions() {}

  public static boolean known(String kind) {
    return KINDS.stream().anyMatch(k -> k.name().equals(kind));
  }
}
