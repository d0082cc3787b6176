package eu.mhealthhub.agora.thread;

import java.time.Instant;
import java.util.List;

/** A post as a thread page shows it. Until Markdown rendering lands, the source is shown as escaped paragraphs. */
public record Post(long id, String authorName, String bodyMarkdown, Instant createdAt, Instant editedAt) {
  public List<String> paragraphs() {
    return List.of(bodyMarkdown.split("\\n\\s*\\n"));
  }
}
