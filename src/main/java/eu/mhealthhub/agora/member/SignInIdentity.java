package eu.mhealthhub.agora.member;

/** Who the identity provider says signed in, after the ID token was verified. */
public record SignInIdentity(String issuer, String subject, String displayName, String email, boolean admin) {}
