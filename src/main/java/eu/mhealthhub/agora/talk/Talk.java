package eu.mhealthhub.agora.talk;

import java.time.Instant;
import java.util.List;

/** A public Talk of the Hub, with its speakers in billing order. Times are instants (UTC). */
public record Talk(
    long id,
    String slug,
    String title,
    String description,
    Instant startsAt,
    Instant endsAt,
    String slidesUrl,
    String recordingUrl,
    List<Speaker> speakers) {

  /** A speaker as billed; {@code memberId} links to an account when the speaker has one. */
  public record Speaker(String name, String affiliation, Long memberId) {}

  public boolean upcoming(Instant now) {
    return endsAt.isAfter(now);
  }
}
