package eu.mhealthhub.agora.web;

/** Names of what Agora keeps in a session; the session holds ids and tokens, never roles. */
public final class SessionKeys {
  public static final String MEMBER_ID = "memberId";
  public static final String SIGNED_IN_AT = "signedInAt";
  public static final String CSRF = "csrf";
  public static final String ID_TOKEN = "idToken";
  /** The id of the sign-in (a row of sign_ins) the identity provider may end. */
  public static final String SIGN_IN_ID = "signInId";
  public static final String FLASH = "flash";

  private SessionKeys() {}
}
