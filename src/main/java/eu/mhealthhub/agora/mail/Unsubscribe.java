package eu.mhealthhub.agora.mail;

import io.vertx.core.Future;

/**
 * What an unsubscribe link does: stop e-mails of one kind to one member. The notification
 * preferences implement it; the link's signed token says who and which kind, so the implementation
 * trusts its arguments. Calling it twice must be harmless (a mail client's one-click POST and the
 * page's button may both arrive).
 */
@FunctionalInterface
public interface Unsubscribe {

  /** Stops e-mails of {@code kind} to the member; fails when that could not be recorded. */
  Future<Void> stop(long memberId, String kind);
}
