package eu.mhealthhub.agora.auth;

/** Names shared by Agora and its development provider. */
public final class DevSignIn {

  public static final String CLIENT_ID = "agora-dev";

  /**
   * The issuer recorded for identities from the development provider. Its URL changes with its
   * port, and a development identity must never be mistaken for one from a real provider.
   */
  public static final String IDENTITY_ISSUER = "urn:agora:development-sign-in";

  private DevSignIn() {}
}
