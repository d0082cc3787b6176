package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;

/**
 * Who the identity provider says signed in, after the ID token was verified.
 *
 * @param locale the language the provider says the person uses, as one of Agora's language tags,
 *               or null; it becomes the member's language at their first sign-in only
 */
public record SignInIdentity(String issuer, String subject, String displayName, String email, boolean admin,
    String locale) {}
