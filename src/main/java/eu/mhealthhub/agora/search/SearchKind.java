package eu.mhealthhub.agora.search;

import java.util.Optional;

/** What a search may be narrowed to, as the {@code kind} filter names it. */
public enum SearchKind {
  POSTS("posts"), THREADS("threads"), DOCUMENTS("documents"), TALKS("talks");

  private final String code;

  SearchKind(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<SearchKind> ofCode(String code) {
    for (SearchKind k : values()) {
      if (k.code.equals(code)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
