package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may read each kind of live address: the one place the bridge (at register and at every
 * re-check after an access change), presence and {@code GET /live/events} ask. Each feature
 * declares its kind in the composition root; an address of a kind nobody declared is refused.
 */
public final class LiveAudience {

  /**
   * The rule of one kind of address. Completes with what the grant depends on (the address itself
   * is added): a thread's grant depends on its group, so that closing the group re-checks it. Fails
   * (NOT_FOUND) when the member (null for a visitor) may not read the address.
   */
  @FunctionalInterface
  public interface Rule {
    Future<Set<LiveAddress>> admit(long id, Long memberId);
  }

  /** A decision to let a member receive an address, and what it depends on. */
  public record Grant(LiveAddress address, Set<LiveAddress> scopes) {}

  private final Map<String, Rule> rules = new ConcurrentHashMap<>();

  /** Declares who may read addresses of a kind; declared once per kind, at start. */
  public LiveAudience declare(String kind, Rule rule) {
    if (rules.putIfAbsent(kind, rule) != null) {
      throw new IllegalStateException("live address kind declared twice: " + kind);
    }
    return this;
  }

  /** Completes with the grant, or fails with NOT_FOUND when the member may not read the address. */
  public Future<Grant> admit(LiveAddress address, Long memberId) {
    Rule rule = rules.get(address.kind());
    if (rule == null) {
      return Future.failedFuture(DomainException.notFound());
    }
    return rule.admit(address.id(), memberId).map(scopes -> {
      java.util.HashSet<LiveAddress> all = new java.util.HashSet<>(scopes);
      all.add(address);
      return new Grant(address, Set.copyOf(all));
    });
  }

  /** As {@link #admit(LiveAddress, Long)} for an address as a client wrote it. */
  public Future<Grant> admit(String address, Optional<Long> memberId) {
    return LiveAddress.parse(address).map(a -> admit(a, memberId.orElse(null)))
        .orElseGet(() -> Future.failedFuture(DomainException.notFound()));
  }
}
