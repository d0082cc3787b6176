package eu.mhealthhub.agora.api;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The {@code Idempotency-Key} of the JSON API, with the rules clients know from Stripe:
 * <ul>
 * <li>a key belongs to the member who sent it and to the request it was first used for: the same
 *     method on the same resource with the same JSON body (compared with keys in any order);</li>
 * <li>a retry gets the first answer again, status, {@code Location} and body, marked
 *     {@code Idempotent-Replayed: true}, and stores nothing;</li>
 * <li>the key reused for another resource or with another body is refused with 422 and stores
 *     nothing; a key longer than {@value #MAX_KEY} characters, blank or with control characters is
 *     refused with 400;</li>
 * <li>requests with one key that arrive together run once: the others wait for the first answer
 *     (up to {@link #WAIT}, then 409 with {@code Retry-After});</li>
 * <li>a request that fails keeps no answer, so the key can be retried; keys are forgotten after
 *     {@link #KEEP}.</li>
 * </ul>
 * The write itself also carries a token derived from the key ({@link #serviceToken}), so that a
 * retry after a crash between the write and its recorded answer still finds the first write.
 */
public final class Idempotency {

  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_KEY = 255;
  /** How long a request waits for the answer of another request with the same key. */
  static final Duration WAIT = Duration.ofSeconds(5);
  /** A claim without an answer for this long belongs to a request that died; a retry may take it over. */
  static final Duration ABANDONED = Duration.ofSeconds(60);
  /** How long keys are remembered. */
  public static final Duration KEEP = Duration.ofHours(24);
  private static final long POLL_MS = 25;

  /** An answer to send: made now, or replayed from the first request with the key. */
  public record Answer(int status, String location, String body, boolean replayed) {
    public static Answer created(String location, JsonObject body) {
      return new Answer(201, location, body.encode(), false);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final IdempotencyRepository repository = new IdempotencyRepository();

  public Idempotency(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /**
   * The key of a request: null when the header is absent. Fails with BAD_REQUEST when it is
   * blank, longer than {@value #MAX_KEY} characters or holds anything but printable ASCII.
   */
  public static String key(String header) {
    if (header == null) {
      return null;
    }
    if (header.isBlank() || header.length() > MAX_KEY || !header.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw DomainException.badRequest("api.error.idempotency.key", MAX_KEY);
    }
    return header;
  }

  /**
   * The client token handed to the service that writes, at most 100 characters: the key itself
   * when short, else a digest of it. Null without a key.
   */
  public static String serviceToken(String key) {
    if (key == null) {
      return null;
    }
    return key.length() <= 96 ? "api:" + key
        : "api#" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(key));
  }

  /**
   * Runs {@code action} once for this member and key, or answers as it did. Without a key it just
   * runs it. Fails with UNPROCESSABLE when the key was used for another request, CONFLICT when the
   * request that holds the key is still running after {@link #WAIT}, or as the action fails (the
   * key is then free again).
   *
   * @param request the method and resource, e.g. {@code POST /api/v1/threads/12/posts}
   * @param body    the request's JSON body
   */
  public Future<Answer> once(Member member, String key, String request, JsonObject body, Supplier<Future<Answer>> action) {
    if (key == null) {
      return action.get();
    }
    byte[] fingerprint = sha256(canonical(body));
    return attempt(member.id(), key, request, fingerprint, action, System.currentTimeMillis() + WAIT.toMillis());
  }

  /** Forgets keys older than {@link #KEEP}; completes with how many. */
  public Future<Integer> prune() {
    return repository.prune(pool, KEEP);
  }

  private Future<Answer> attempt(long memberId, String key, String request, byte[] fingerprint,
      Supplier<Future<Answer>> action, long deadline) {
    return repository.claim(pool, memberId, key, request, fingerprint).compose(claimed -> claimed
        ? run(memberId, key, action)
        : existing(memberId, key, request, fingerprint, action, deadline));
  }

  private Future<Answer> existing(long memberId, String key, String request, byte[] fingerprint,
      Supplier<Future<Answer>> action, long deadline) {
    return repository.find(pool, memberId, key, ABANDONED).compose(found -> {
      if (found.isEmpty()) {
        // the first request failed and let the key go meanwhile
        return System.currentTimeMillis() < deadline
            ? attempt(memberId, key, request, fingerprint, action, deadline)
            : inFlight();
      }
      IdempotencyRepository.Claim claim = found.get();
      if (!claim.request().equals(request) || !Arrays.equals(claim.fingerprint(), fingerprint)) {
        return Future.failedFuture(new DomainException(Kind.UNPROCESSABLE, "api.error.idempotency.mismatch"));
      }
      if (claim.status() != null) {
        return Future.succeededFuture(new Answer(claim.status(), claim.location(), claim.body(), true));
      }
      if (claim.stale()) {
        return repository.takeOver(pool, memberId, key, ABANDONED).compose(taken -> taken
            ? run(memberId, key, action)
            : existing(memberId, key, request, fingerprint, action, deadline));
      }
      if (System.currentTimeMillis() >= deadline) {
        return inFlight();
      }
      return vertx.timer(POLL_MS).compose(t -> existing(memberId, key, request, fingerprint, action, deadline));
    });
  }

  private Future<Answer> run(long memberId, String key, Supplier<Future<Answer>> action) {
    Future<Answer> made;
    try {
      made = action.get();
    } catch (RuntimeException e) {
      made = Future.failedFuture(e);
    }
    return made.transform(ar -> ar.succeeded()
        ? repository.answer(pool, memberId, key, ar.result().status(), ar.result().location(), ar.result().body())
            .map(ar.result())
        : repository.release(pool, memberId, key).transform(released -> Future.failedFuture(ar.cause())));
  }

  private static Future<Answer> inFlight() {
    return Future.failedFuture(new DomainException(Kind.CONFLICT, "api.error.idempotency.inFlight"));
  }

  /** JSON with object keys sorted, so that two encodings of the same body compare equal. */
  static String canonical(Object value) {
    if (value instanceof JsonObject o) {
      StringBuilder b = new StringBuilder("{");
      o.fieldNames().stream().sorted().forEach(k -> {
        if (b.length() > 1) {
          b.append(',');
        }
        b.append(Json.encode(k)).append(':').append(canonical(o.getValue(k)));
      });
      return b.append('}').toString();
    }
    if (value instanceof JsonArray a) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < a.size(); i++) {
        b.append(i == 0 ? "" : ",").append(canonical(a.getValue(i)));
      }
      return b.append(']').toString();
    }
    return Json.encode(value);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
