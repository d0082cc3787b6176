package eu.mhealthhub.agora.talk;

import java.time.Instant;
import java.util.List;

/**
 * A public Talk of the Hub, with its speakers in billing order and the state of its live room.
 * Times are instants (UTC). {@code groupIds} are the working groups it concerns, whatever the
 * viewer may read: pages show only the readable ones.
 */
public record Talk(
    long id,
    String slug,
    String title,
    String description,
    Instant startsAt,
    Instant endsAt,
    String slidesUrl,
    String recordingUrl,
    List<Speaker> speakers,
    List<Long> groupIds,
    RoomState roomState,
    boolean approvalRequired,
    Long pinnedQuestionId,
    String summary,
    Instant closedAt,
    Instant updatedAt) {

  public static final int MAX_TITLE = 200;
  public static final int MAX_DESCRIPTION = 5000;
  public static final int MAX_SUMMARY = 5000;

  /** A speaker as billed; {@code memberId} links to an account when the speaker has one. */
  public record Speaker(String name, String affiliation, Long memberId, String declaredInterests) {}

  public boolean upcoming(Instant now) {
    return endsAt.isAfter(now);
  }

  public boolean roomOpen() {
    return roomState == RoomState.OPEN;
  }

  public boolean roomClosed() {
    return roomState == RoomState.CLOSED;
  }

  public boolean roomScheduled() {
    return roomState == RoomState.SCHEDULED;
  }

  /** The live-event address of this Talk's room. */
  public String address() {
    return eu.mhealthhub.agora.live.LiveAddress.of("talk", id).toString();
  }
}
