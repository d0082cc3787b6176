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
  /**
   * A suspended member who just proved who they are at the provider but got no session: for a
   * short while (until {@link #APPELLANT_UNTIL}, epoch milliseconds) they may read and appeal the
   * statements of reasons addressed to them, and nothing else (DSA Art. 20).
   */
  public static final String APPELLANT_ID = "appellantId";
  public static final String APPELLANT_UNTIL = "appellantUntil";
  /** Where the viewer handler leaves such an appellant's member id for the request (a Long), when the window is open. */
  public static final String APPELLANT_CONTEXT = "agora.appellant";

  private SessionKeys() {}
}
