package eu.mhealthhub.agora.member;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.web.DisplayPreferences;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Optional;

/** Members: creation at first sign-in, lookup, and the member's own profile. */
public final class MemberService {

  /**
   * Signed-in members are looked up on every request; a lookup is reused for one second. A change
   * made through this node is seen at once; one made through another node (a role changed, a
   * member erased) within a second.
   */
  private static final Duration FRESH_FOR = Duration.ofSeconds(1);
  private static final int CACHE_SIZE = 50_000;

  private final Pool pool;
  private final MemberRepository repository = new MemberRepository();
  private final Cache<Long, Optional<Member>> recent = Caffeine.newBuilder()
      .maximumSize(CACHE_SIZE).expireAfterWrite(FRESH_FOR).executor(Runnable::run).build();
  /** The display preferences read with the member, kept as long. */
  private final Cache<Long, Extras> preferences = Caffeine.newBuilder()
      .maximumSize(CACHE_SIZE).expireAfterWrite(FRESH_FOR).executor(Runnable::run).build();

  public MemberService(Pool pool) {
    this.pool = pool;
  }

  /**
   * Records a successful sign-in: creates the member the first time this issuer and subject are
   * seen, otherwise refreshes the admin flag. The display name and language are taken from the
   * claims only at creation, so a name or language the member chose is kept; the name is cleaned
   * like a name typed in the profile form ({@link CleanText#line}), and one with nothing visible
   * left becomes "Member".
   */
  public Future<Member> signedIn(SignInIdentity identity) {
    String name = CleanText.line(identity.displayName());
    if (name == null || name.isEmpty() || Member.formerName(name)) {
      name = "Member";
    }
    if (name.codePointCount(0, name.length()) > Member.MAX_NAME_LENGTH) {
      name = name.substring(0, name.offsetByCodePoints(0, Member.MAX_NAME_LENGTH));
    }
    String email = identity.email() != null && identity.email().length() <= Member.MAX_EMAIL_LENGTH
        ? identity.email() : null;
    return repository.upsertFromSignIn(pool, identity.issuer(), identity.subject(), name, email,
        identity.admin(), identity.locale()).onSuccess(m -> recent.invalidate(m.id()));
  }

  /** Drops this node's cached row of the member (suspended, say), so the next lookup reads it again. */
  public void forget(long id) {
    recent.invalidate(id);
    preferences.invalidate(id);
  }

  /** The member with this id, as of at most a second ago. */
  public Future<Optional<Member>> find(long id) {
    Optional<Member> cached = recent.getIfPresent(id);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return repository.findWithPreferences(pool, id).map(found -> {
      found.ifPresent(w -> preferences.put(id, new Extras(w.preferences(), w.avatarVersion())));
      Optional<Member> m = found.map(MemberRepository.WithPreferences::member);
      recent.put(id, m);
      return m;
    });
  }

  /**
   * The member's display preferences, as of at most a second ago (read together with {@link #find},
   * so a signed-in request costs no second query); the defaults when there is no such member.
   */
  public Future<DisplayPreferences> preferences(long id) {
    return extras(id).map(Extras::preferences);
  }

  /**
   * The version of the member's uploaded picture for the page header, as of at most a second ago (read
   * with {@link #find}); empty when they have none (the initials are shown).
   */
  public Future<Optional<String>> avatarVersion(long id) {
    return extras(id).map(e -> Optional.ofNullable(e.avatarVersion()));
  }

  /** What is read with the member besides the member: display preferences and avatar version. */
  private record Extras(DisplayPreferences preferences, String avatarVersion) {}

  private Future<Extras> extras(long id) {
    Extras cached = preferences.getIfPresent(id);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return repository.findWithPreferences(pool, id).map(found -> found
        .map(w -> new Extras(w.preferences(), w.avatarVersion()))
        .orElse(new Extras(DisplayPreferences.of("system", true), null)));
  }

  /**
   * Stores the member's display preferences. Fails with BAD_REQUEST when the form has problems
   * (callers check {@link PreferencesForm#problems()} first) and NOT_FOUND when there is no such member.
   */
  public Future<DisplayPreferences> updatePreferences(long memberId, PreferencesForm form) {
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    return repository.updatePreferences(pool, memberId, form)
        .map(p -> p.orElseThrow(DomainException::notFound))
        .onComplete(r -> {
          preferences.invalidate(memberId);
          recent.invalidate(memberId);
        });
  }

  private <T> Future<T> forget(long id, Future<T> change) {
    return change.onComplete(r -> recent.invalidate(id));
  }

  /** A member by @handle, any case; fails with NOT_FOUND. */
  public Future<Member> findByHandle(String handle) {
    return repository.findByHandle(pool, handle == null ? "" : handle).map(m -> m.orElseThrow(DomainException::notFound));
  }

  /** A member and their profile, as their page shows them. */
  public record WithProfile(Member member, Profile profile) {}

  /** The member with this handle and their profile, in one statement; fails with NOT_FOUND. */
  public Future<WithProfile> findWithProfile(String handle) {
    return repository.findWithProfile(pool, handle == null ? "" : handle).map(m -> m.orElseThrow(DomainException::notFound));
  }

  /**
   * Saves the member's profile. Fails with {@link DomainException} BAD_REQUEST when the form has
   * problems (callers check {@link ProfileForm#problems()} first to re-render the form) and
   * NOT_FOUND when the member no longer exists.
   */
  public Future<Member> updateProfile(long memberId, ProfileForm form) {
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    return forget(memberId, repository.updateProfile(pool, memberId, form)
        .map(m -> m.orElseThrow(DomainException::notFound)));
  }

  /** The member's profile fields; fails with NOT_FOUND when there is no such member. */
  public Future<Profile> profile(long memberId) {
    return repository.profile(pool, memberId).map(p -> p.orElseThrow(DomainException::notFound));
  }

  /**
   * Makes the uploaded picture the member's avatar: checked, resized and re-encoded off the event
   * loop ({@link AvatarImages#process}), then stored. Fails with BAD_REQUEST or TOO_LARGE (see
   * there) and stores nothing then.
   */
  public Future<Void> setAvatar(io.vertx.core.Vertx vertx, long memberId, byte[] upload) {
    return vertx.executeBlocking(() -> AvatarImages.process(upload), false)
        .compose(avatar -> repository.saveAvatar(pool, memberId, avatar))
        .onComplete(r -> preferences.invalidate(memberId));
  }

  /** Removes the member's avatar; the initials are shown again. */
  public Future<Void> removeAvatar(long memberId) {
    return repository.removeAvatar(pool, memberId).onComplete(r -> preferences.invalidate(memberId));
  }

  /**
   * One size of a member's avatar (64 or 256 pixels): the uploaded picture as PNG, or, when they have
   * none, their initials drawn as SVG (so a page can always show an image beside a name). Fails with
   * NOT_FOUND for another size or an unknown handle.
   */
  public Future<AvatarImage> avatar(String handle, int size) {
    if (size != AvatarImages.SMALL && size != AvatarImages.LARGE) {
      return Future.failedFuture(DomainException.notFound());
    }
    return repository.avatar(pool, handle == null ? "" : handle, size == AvatarImages.LARGE)
        .map(a -> a.orElseThrow(DomainException::notFound))
        .map(a -> a.png() != null ? new AvatarImage(a.png(), "image/png", a.version(), "png")
            : AvatarImage.initials(a.displayName(), size));
  }

  /** Stores the member's chosen language; null returns to following the browser. */
  public Future<Member> updateLocale(long memberId, String locale) {
    return forget(memberId, repository.updateLocale(pool, memberId, locale)
        .map(m -> m.orElseThrow(DomainException::notFound)));
  }
}
