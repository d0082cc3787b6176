package eu.mhealthhub.agora.auth.dev;

/** A person the development provider offers at sign-in; {@code note} says who they are in the demo. */
public record DevIdentity(String subject, String name, String email, String note) {}
