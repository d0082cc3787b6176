package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.DisplayPreferences;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

/** SQL for members. */
final class MemberRepository {

  private static final String COLUMNS = "id, display_name, handle, email, locale, time_zone, is_admin, created_at";

  /** The handle itself when free, else the first free of handle-2, handle-3... */
  static final String FREE_HANDLE = """
      (SELECT x.c FROM (SELECT #{handle} AS c, 1 AS k
                         UNION ALL SELECT #{handle} || '-' || g, g FROM generate_series(2, 9999) g) x
        WHERE NOT EXISTS (SELECT 1 FROM members m WHERE lower(m.handle) = lower(x.c))
        ORDER BY x.k LIMIT 1)""";

  /**
   * Creates the member at first sign-in, in the language the provider names; later sign-ins
   * refresh the admin flag and the last-seen time, and the e-mail only while the member has not
   * set one by hand, never the language.
   */
  private static final String UPSERT_FROM_SIGN_IN = """
      INSERT INTO members (issuer, subject, display_name, handle, email, is_admin, locale)
      VALUES (#{issuer}, #{subject}, #{displayName}, %s, #{email}, #{admin}, #{locale})
      ON CONFLICT (issuer, subject) DO UPDATE
         SET is_admin = EXCLUDED.is_admin,
             last_seen_at = now(),
             email = CASE WHEN members.email_edited THEN members.email ELSE EXCLUDED.email END
      RETURNING %s
      """.formatted(FREE_HANDLE, COLUMNS);

  private static final String BY_ID = "SELECT " + COLUMNS + " FROM members WHERE id = #{id}";
  /** The member and their display preferences, read on every signed-in request (cached for a second). */
  private static final String BY_ID_WITH_PREFERENCES = "SELECT " + COLUMNS.replaceAll("(\\w+)", "m.$1")
      + ", m.reduced_motion, m.live_announce, a.version AS avatar_version"
      + " FROM members m LEFT JOIN member_avatars a ON a.member_id = m.id WHERE m.id = #{id}";
  private static final String UPDATE_PREFERENCES = """
      UPDATE members SET reduced_motion = #{reducedMotion}, live_announce = #{liveAnnounce}
       WHERE id = #{id} RETURNING reduced_motion, live_announce""";
  private static final String BY_HANDLE = "SELECT " + COLUMNS + " FROM members WHERE lower(handle) = lower(#{handle})";
  /** A member by handle with their profile ({@link #PROFILE}'s columns): the member page's first read, one statement. */
  private static final String BY_HANDLE_WITH_PROFILE = "SELECT " + COLUMNS.replaceAll("(\\w+)", "m.$1")
      + ", m.affiliation, m.country, m.stakeholder_type, m.languages, m.bio, m.links, a.version AS avatar_version"
      + " FROM members m LEFT JOIN member_avatars a ON a.member_id = m.id WHERE lower(m.handle) = lower(#{handle})";

  private static final String UPDATE_PROFILE = """
      UPDATE members
         SET display_name = #{displayName},
             email = #{email},
             email_edited = email_edited OR email IS DISTINCT FROM #{email},
             locale = #{locale},
             time_zone = #{timeZone},
             affiliation = #{affiliation},
             country = #{country},
             stakeholder_type = #{stakeholderType},
             languages = #{languages},
             bio = #{bio},
             links = #{links}
       WHERE id = #{id}
      RETURNING %s
      """.formatted(COLUMNS);

  private static final String PROFILE = """
      SELECT m.affiliation, m.country, m.stakeholder_type, m.languages, m.bio, m.links, a.version AS avatar_version
        FROM members m LEFT JOIN member_avatars a ON a.member_id = m.id
       WHERE m.id = #{id}
      """;

  private static final String SAVE_AVATAR = """
      INSERT INTO member_avatars (member_id, small_png, large_png, version)
      VALUES (#{id}, #{small}, #{large}, #{version})
      ON CONFLICT (member_id) DO UPDATE
         SET small_png = EXCLUDED.small_png, large_png = EXCLUDED.large_png, version = EXCLUDED.version,
             updated_at = now()
      """;

  private static final String REMOVE_AVATAR = "DELETE FROM member_avatars WHERE member_id = #{id}";

  /** One size of the avatar of the member with this handle (null png: none uploaded), and their name for the initials. */
  private static final String AVATAR = """
      SELECT m.display_name, CASE WHEN #{large} THEN a.large_png ELSE a.small_png END AS png, a.version
        FROM members m LEFT JOIN member_avatars a ON a.member_id = m.id
       WHERE lower(m.handle) = lower(#{handle})
      """;

  private static final String UPDATE_LOCALE =
      "UPDATE members SET locale = #{locale} WHERE id = #{id} RETURNING " + COLUMNS;

  static final RowMapper<Member> MAPPER = MemberRepository::map;

  private static Member map(Row row) {
    OffsetDateTime created = row.getOffsetDateTime("created_at");
    return new Member(row.getLong("id"), row.getString("display_name"), row.getString("handle"), row.getString("email"),
        row.getString("locale"), row.getString("time_zone"), row.getBoolean("is_admin"),
        created.toInstant());
  }

  Future<Member> upsertFromSignIn(SqlClient db, String issuer, String subject, String displayName,
      String email, boolean admin, String locale) {
    java.util.HashMap<String, Object> params = new java.util.HashMap<>();
    params.put("locale", locale);
    params.put("issuer", issuer);
    params.put("subject", subject);
    params.put("displayName", displayName);
    params.put("email", email);
    params.put("admin", admin);
    params.put("handle", Handles.fromName(displayName));
    return SqlTemplate.forQuery(db, UPSERT_FROM_SIGN_IN).mapTo(MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  Future<Optional<Member>> findById(SqlClient db, long id) {
    return SqlTemplate.forQuery(db, BY_ID).mapTo(MAPPER).execute(Map.of("id", id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /** The member with their display preferences; empty when there is no such member. */
  Future<Optional<WithPreferences>> findWithPreferences(SqlClient db, long id) {
    return SqlTemplate.forQuery(db, BY_ID_WITH_PREFERENCES).execute(Map.of("id", id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(r -> new WithPreferences(map(r), DisplayPreferences.of(r.getString("reduced_motion"),
                r.getBoolean("live_announce")), r.getString("avatar_version"))));
  }

  /** A member, how they want pages to behave, and the version of their uploaded picture (null: none). */
  record WithPreferences(Member member, DisplayPreferences preferences, String avatarVersion) {}

  /** Stores the member's display preferences; empty when there is no such member. */
  Future<Optional<DisplayPreferences>> updatePreferences(SqlClient db, long id, PreferencesForm form) {
    return SqlTemplate.forQuery(db, UPDATE_PREFERENCES)
        .execute(Map.of("id", id, "reducedMotion", form.reducedMotion(), "liveAnnounce", form.announces()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(r -> DisplayPreferences.of(r.getString("reduced_motion"), r.getBoolean("live_announce"))));
  }

  Future<Optional<Member>> findByHandle(SqlClient db, String handle) {
    return SqlTemplate.forQuery(db, BY_HANDLE).mapTo(MAPPER).execute(Map.of("handle", handle))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /** The member with this handle and their profile, or empty. */
  Future<Optional<MemberService.WithProfile>> findWithProfile(SqlClient db, String handle) {
    return SqlTemplate.forQuery(db, BY_HANDLE_WITH_PROFILE).execute(Map.of("handle", handle))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()).map(r ->
            new MemberService.WithProfile(MAPPER.map(r), profile(r))));
  }

  Future<Optional<Member>> updateProfile(SqlClient db, long id, ProfileForm form) {
    java.util.HashMap<String, Object> params = new java.util.HashMap<>();
    params.put("id", id);
    params.put("displayName", form.displayName());
    params.put("email", form.email());
    params.put("locale", form.locale());
    params.put("timeZone", form.timeZone());
    params.put("affiliation", form.affiliation());
    params.put("country", form.country());
    params.put("stakeholderType", form.stakeholderType());
    params.put("languages", form.languages().toArray(String[]::new));
    params.put("bio", form.bio());
    params.put("links", form.links().toArray(String[]::new));
    return SqlTemplate.forQuery(db, UPDATE_PROFILE).mapTo(MAPPER).execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /** The member's profile fields; empty when there is no such member. */
  Future<Optional<Profile>> profile(SqlClient db, long id) {
    return SqlTemplate.forQuery(db, PROFILE).execute(Map.of("id", id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(profile(rows.iterator().next())));
  }

  private static Profile profile(Row r) {
    return new Profile(r.getString("affiliation"), r.getString("country"), r.getString("stakeholder_type"),
        java.util.Arrays.asList(r.getArrayOfStrings("languages")), r.getString("bio"),
        java.util.Arrays.asList(r.getArrayOfStrings("links")), r.getString("avatar_version"));
  }

  Future<Void> saveAvatar(SqlClient db, long id, AvatarImages.Avatar avatar) {
    return SqlTemplate.forUpdate(db, SAVE_AVATAR).execute(Map.of("id", id,
        "small", io.vertx.core.buffer.Buffer.buffer(avatar.small()), "large", io.vertx.core.buffer.Buffer.buffer(avatar.large()),
        "version", avatar.version())).mapEmpty();
  }

  Future<Void> removeAvatar(SqlClient db, long id) {
    return SqlTemplate.forUpdate(db, REMOVE_AVATAR).execute(Map.of("id", id)).mapEmpty();
  }

  /** The PNG of one size and its version (both null when the member has none); empty when there is no such member. */
  Future<Optional<StoredAvatar>> avatar(SqlClient db, String handle, boolean large) {
    return SqlTemplate.forQuery(db, AVATAR).execute(Map.of("handle", handle, "large", large))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(r -> new StoredAvatar(r.getBuffer("png"), r.getString("version"), r.getString("display_name"))));
  }

  /** One size of a stored avatar; {@code png} and {@code version} null when none was uploaded. */
  record StoredAvatar(io.vertx.core.buffer.Buffer png, String version, String displayName) {}

  Future<Optional<Member>> updateLocale(SqlClient db, long id, String locale) {
    java.util.HashMap<String, Object> params = new java.util.HashMap<>();
    params.put("id", id);
    params.put("locale", locale);
    return SqlTemplate.forQuery(db, UPDATE_LOCALE).mapTo(MAPPER).execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }
}
