package eu.mhealthhub.agora.web;

import io.vertx.core.Future;

/**
 * Whether a session's sign-in still stands. The identity provider can end a member's session
 * (back-channel or front-channel logout); every request of a session whose sign-in has ended is
 * treated as signed out, on any node and whatever store holds the session.
 */
@FunctionalInterface
public interface SignInCheck {

  /** Completes with false once the sign-in with this id has ended (or is unknown). */
  Future<Boolean> stillSignedIn(long signInId);
}
