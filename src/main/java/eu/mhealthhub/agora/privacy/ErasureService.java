package eu.mhealthhub.agora.privacy;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.auth.SignInSessions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Erasing a member's account (GDPR Art. 17). In one transaction the member's row loses everything
 * about the person (name "Former member", an unguessable placeholder handle, a tombstone identity
 * no sign-in can match, no e-mail, language or time zone), what only concerned them is deleted
 * (notifications, preferences, watches, subscriptions, read positions, memberships, mail to them),
 * mentions of their old handle in others' posts stop linking and read as "Former member", and the
 * audit log records that an erasure happened, naming only the member's id. Posts, document
 * contributions, reactions, votes and endorsements stay attached to the emptied row, so every count
 * stays right; the member may ask for their posts to be deleted too (their text is emptied in every
 * revision and they are marked erased). After the commit, every sign-in of the member ends and
 * their live sockets close, on every node.
 */
public final class ErasureService {

  /** How recent the sign-in must be for a member to erase an account. */
  public static final Duration RECENT_SIGN_IN = Duration.ofMinutes(5);
  /** The name an erased member's row shows. */
  public static final String FORMER_MEMBER = eu.mhealthhub.agora.Member.FORMER_NAME;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final Clock clock;
  private final SignInSessions signIns;
  private final LongConsumer forgetMember;
  private final ErasureRepository repository = new ErasureRepository();

  /**
   * @param forgetMember drops what this node cached about a member (other nodes re-read within a
   *                     second, and the member's sessions end anyway)
   */
  public ErasureService(Pool pool, Clock clock, SignInSessions signIns, LongConsumer forgetMember) {
    this.pool = pool;
    this.clock = clock;
    this.signIns = signIns;
    this.forgetMember = forgetMember;
  }

  /** Whether a sign-in at {@code signedInAtMillis} (null: unknown) is recent enough to erase an account. */
  public boolean recentEnough(Long signedInAtMillis) {
    return signedInAtMillis != null && clock.millis() - signedInAtMillis <= RECENT_SIGN_IN.toMillis()
        && signedInAtMillis <= clock.millis() + 1000;
  }

  /**
   * The member erases their own account. Fails with FORBIDDEN when the sign-in is not recent
   * (see {@link #RECENT_SIGN_IN}), BAD_REQUEST when the form has problems, NOT_FOUND when the
   * member is already erased; nothing changes then.
   */
  public Future<Void> eraseSelf(Member me, Long signedInAtMillis, ErasureForm form) {
    if (!recentEnough(signedInAtMillis)) {
      return Future.failedFuture(new DomainException(DomainException.Kind.FORBIDDEN, "erasure.reauth.text"));
    }
    if (!form.problems().isEmpty() || form.byAdmin()) {
      return Future.failedFuture(DomainException.badRequest("erasure.error.confirmation"));
    }
    return pool.withTransaction(tx -> repository.lock(tx, me.id()).compose(found -> found.isEmpty()
            ? Future.<Long>failedFuture(DomainException.notFound())
            : erase(tx, found.get(), form.deletePosts())
                .compose(v -> repository.audit(tx, me.id(), me.id(), detail(form), ""))
                .map(me.id())))
        .compose(this::afterCommit);
  }

  /**
   * An admin erases a member's account on their request, with a reason that the audit log keeps.
   * Fails with FORBIDDEN (not an admin, a sign-in that is not recent, or an admin as the target:
   * another admin must first lose the role), BAD_REQUEST (problems in the form), NOT_FOUND (no
   * such member, or already erased); nothing changes then.
   */
  public Future<Void> eraseByAdmin(Member admin, Long signedInAtMillis, String handle, ErasureForm form) {
    if (!admin.admin() || !recentEnough(signedInAtMillis)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    return pool.withTransaction(tx -> repository.lockByHandle(tx, handle).compose(found -> {
          if (found.isEmpty()) {
            return Future.<Long>failedFuture(DomainException.notFound());
          }
          ErasureRepository.Target t = found.get();
          if (t.admin() && t.id() != admin.id()) {
            return Future.<Long>failedFuture(DomainException.forbidden());
          }
          return erase(tx, t, form.deletePosts())
              .compose(v -> repository.audit(tx, admin.id(), t.id(), detail(form), form.reason()))
              .map(t.id());
        }))
        .compose(this::afterCommit);
  }

  private static String detail(ErasureForm form) {
    return form.deletePosts() ? "posts deleted" : "posts kept";
  }

  private Future<Void> erase(io.vertx.sqlclient.SqlConnection tx, ErasureRepository.Target t, boolean deletePosts) {
    String placeholder = "erased-" + HexFormat.of().formatHex(bytes(12));
    String subject = HexFormat.of().formatHex(bytes(32));
    return repository.unlinkMentions(tx, t, FORMER_MEMBER)
        .compose(v -> repository.deletePersonal(tx, t))
        .compose(v -> repository.forgetDeclarations(tx, t.id(), FORMER_MEMBER))
        .compose(v -> deletePosts ? repository.deletePosts(tx, t.id()) : Future.<Void>succeededFuture())
        .compose(v -> repository.eraseMember(tx, t.id(), FORMER_MEMBER, placeholder, subject));
  }

  private Future<Void> afterCommit(long memberId) {
    forgetMember.accept(memberId);
    return signIns.endAllOf(memberId).mapEmpty();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
