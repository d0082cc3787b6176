package eu.mhealthhub.agora.auth.dev;

/**
 * A person the development provider offers at sign-in; {@code note} says who they are in the demo,
 * {@code locale} is the language tag sent as the ID token's {@code locale} claim (null: none).
 */
public record DevIdentity(String subject, String name, String email, String note, String locale) {

  public DevIdentity(String subject, String name, String email, String note) {
    this(subject, name, email, note, null);
  }
}
