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
    Instant updatedAt,
    String language) {

  public static final int MAX_TITLE = 200;
  public static final int MAX_DESCRIPTION = 5000;
  public static final int MAX_SUMMARY = 5000;

  /**
   * A speaker as billed. {@code key} stays the speaker's across edits of the Talk. A speaker who is a
   * member ({@code memberId}, {@code memberHandle}) is shown with the version of their own
   * declaration in force ({@code memberDeclaration}: at the Talk's start once it began, else now;
   * null when they had none). {@code declaration} is the latest version of the declaration kept with
   * the Talk for this speaker, null when none was given.
   */
  public record Speaker(String key, String name, String affiliation, Long memberId, String memberHandle,
      Integer memberDeclaration, SpeakerDeclaration declaration) {

    public boolean member() {
      return memberId != null;
    }
  }

  /**
   * One version of a speaker's declaration kept with the Talk: entries as a member's, or "nothing to
   * declare", or (migrated from the free text of before) a legacy note kept word for word.
   */
  public record SpeakerDeclaration(int version, boolean nothingToDeclare, String legacyNote,
      List<eu.mhealthhub.agora.declaration.Declaration.Entry> entries) {

    /** Whether it says the same as {@code other} would store: no new version is made for it. */
    boolean sameAs(boolean nothing, List<eu.mhealthhub.agora.declaration.Declaration.Entry> others) {
      return legacyNote == null && nothingToDeclare == nothing && entries.equals(others);
    }
  }

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
