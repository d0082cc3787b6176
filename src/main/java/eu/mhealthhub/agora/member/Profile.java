package eu.mhealthhub.agora.member;

import java.util.List;

/**
 * What a member tells others about themselves beyond name and handle (issue 14, point 1), as stored:
 * null or empty where the member said nothing. {@code stakeholderType} is a
 * {@link eu.mhealthhub.agora.StakeholderType} code, {@code country} an ISO 3166-1 alpha-2 code,
 * {@code languages} ISO 639-1 codes, {@code bio} Markdown as typed, {@code avatarVersion} names the uploaded picture (null: none, the
 * initials are shown).
 */
public record Profile(String affiliation, String country, String stakeholderType, List<String> languages, String bio,
    List<String> links, String avatarVersion) {

  public static final Profile EMPTY = new Profile(null, null, null, List.of(), "", List.of(), null);

  public Profile {
    languages = languages == null ? List.of() : List.copyOf(languages);
    links = links == null ? List.of() : List.copyOf(links);
    bio = bio == null ? "" : bio;
  }
}
