package eu.mhealthhub.agora.privacy;

import java.util.List;

/**
 * What a member's export holds: one JSON file per section, each described by a JSON Schema in
 * {@code src/main/resources/export-schema/<file>.schema.json} (listed in the README). Adding a
 * section (declarations of interest, new profile fields) is one SQL constant in
 * {@link ExportRepository} and one line here, plus its schema file.
 */
final class ExportSections {

  /** A JSON file of the zip and the query that reads it ({@code $1}: the member's id). */
  record Section(String file, String sql) {
    /** The schema's resource path. */
    String schema() {
      return "export-schema/" + file.replace(".json", ".schema.json");
    }
  }

  private ExportSections() {}

  static final List<Section> ALL = List.of(
      profile(),
      new Section("memberships.json", ExportRepository.MEMBERSHIPS),
      new Section("join_requests.json", ExportRepository.JOIN_REQUESTS),
      new Section("threads.json", ExportRepository.THREADS),
      new Section("posts.json", ExportRepository.POSTS),
      new Section("reactions.json", ExportRepository.REACTIONS),
      new Section("attachments.json", ExportRepository.ATTACHMENTS),
      new Section("document_revisions.json", ExportRepository.DOCUMENT_REVISIONS),
      new Section("document_comments.json", ExportRepository.DOCUMENT_COMMENTS),
      new Section("document_proposals.json", ExportRepository.DOCUMENT_PROPOSALS),
      new Section("document_endorsements.json", ExportRepository.DOCUMENT_ENDORSEMENTS),
      new Section("talk_questions.json", ExportRepository.TALK_QUESTIONS),
      new Section("talk_votes.json", ExportRepository.TALK_VOTES),
      new Section("talk_messages.json", ExportRepository.TALK_MESSAGES),
      new Section("talk_registrations.json", ExportRepository.TALK_REGISTRATIONS),
      new Section("network_follower.json", ExportRepository.NETWORK_FOLLOWER),
      new Section("notifications.json", ExportRepository.NOTIFICATIONS),
      new Section("read_positions.json", ExportRepository.READ_POSITIONS),
      new Section("sign_ins.json", ExportRepository.SIGN_INS),
      new Section("moderation_decisions.json", ExportRepository.MODERATION_DECISIONS),
      new Section("suspensions.json", ExportRepository.SUSPENSIONS),
      new Section("declarations.json", ExportRepository.DECLARATIONS),
      flags(),
      notices(),
      avatar(),
      emailChanges(),
      talkSpeakers(),
      talkAttendance());

  /** The flags the member raised (issue 14, point 4). */
  static Section flags() {
    return new Section("flags.json", ExportRepository.FLAGS);
  }

  /** The notices of illegal content the member filed while signed in. */
  static Section notices() {
    return new Section("notices.json", ExportRepository.NOTICES);
  }

  /** The uploaded picture's record; the picture itself is {@code avatar.png} in the zip. */
  static Section avatar() {
    return new Section("avatar.json", ExportRepository.AVATAR);
  }

  /** The e-mail-change history: every new address asked for, confirmed, replaced or left to expire. */
  static Section emailChanges() {
    return new Section("email_changes.json", ExportRepository.EMAIL_CHANGES);
  }

  /** The Talks the member is billed to speak at, if any (issue 14 point 2). */
  static Section talkSpeakers() {
    return new Section("talk_speakers.json", ExportRepository.TALK_SPEAKERS);
  }

  /** The Talks' live rooms the member was present in, first and last seen (issue 15 point 6). */
  static Section talkAttendance() {
    return new Section("talk_attendance.json", ExportRepository.TALK_ATTENDANCE);
  }

  /** The profile: one object (the profile helper's new columns join its query at merge). */
  static Section profile() {
    return new Section("profile.json", ExportRepository.PROFILE);
  }
}
