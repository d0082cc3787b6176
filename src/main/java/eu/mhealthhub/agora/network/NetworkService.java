package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.limits.RateLimits;
import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.MailComposer;
import eu.mhealthhub.agora.mail.Outbox;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.network.NetworkRepository.Follower;
import eu.mhealthhub.agora.network.NetworkTokens.Claim;
import eu.mhealthhub.agora.network.NetworkTokens.Purpose;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The Hub's network of followers: sign-up with double opt-in, the follower's own topics and
 * unsubscribing through signed links, and announcements to the confirmed followers of chosen
 * topics through the mail outbox.
 *
 * <p><b>No enumeration.</b> A sign-up answers the same whatever the address's state: new, waiting
 * for confirmation, confirmed, unsubscribed. What differs is only what the address is mailed, and at
 * most once per {@code network.mail} period per address (AGORA_RATE_LIMITS): a new or unconfirmed
 * address gets a (new) confirmation link, a confirmed one a note with its topics link, an address the
 * outbox gave up on nothing.
 */
public final class NetworkService {

  /** Per client address, each sign-up. */
  static final String JOIN_LIMIT = "network.join";
  /** Per e-mail address, each message a sign-up causes. */
  static final String MAIL_LIMIT = "network.mail";
  static final Duration CONFIRM_VALID = Duration.ofDays(7);
  static final Duration TOPICS_VALID = Duration.ofDays(60);
  static final String KIND_CONFIRM = "network.confirm";
  static final String KIND_ALREADY = "network.already";
  static final String KIND_ANNOUNCEMENT = "network.announcement";
  static final String KIND_REPERMISSION = "network.repermission";
  /** The most followers one announcement is queued for. */
  static final int MAX_RECIPIENTS = 100_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A topic a follower may choose: its code and its label (a message key when {@code key}, else a group's name). */
  public record Topic(String code, String label, boolean key) {}

  private final Pool pool;
  private final Clock clock;
  private final Outbox outbox;
  private final MailComposer composer;
  private final I18n i18n;
  private final RateLimits limits;
  private final GroupService groups;
  private final String publicUrl;
  private final int announcePerMinute;
  private final Duration repermissionPeriod;
  private final NetworkRepository repository = new NetworkRepository();
  private volatile Future<NetworkTokens> tokens;

  /**
   * @param announcePerMinute  how many announcement e-mails are released per minute (AGORA_ANNOUNCE_PER_MINUTE)
   * @param repermissionPeriod how long an imported follower's re-permission link works; the retention job deletes
   *                           the unconfirmed after it ({@code unconfirmed_followers} of AGORA_RETENTION)
   */
  public NetworkService(Pool pool, Clock clock, Outbox outbox, MailComposer composer, I18n i18n, RateLimits limits,
      GroupService groups, URI publicUrl, int announcePerMinute, Duration repermissionPeriod) {
    this.repermissionPeriod = repermissionPeriod;
    this.pool = pool;
    this.clock = clock;
    this.outbox = outbox;
    this.composer = composer;
    this.i18n = i18n;
    this.limits = limits;
    this.groups = groups;
    this.publicUrl = publicUrl.toString();
    this.announcePerMinute = Math.max(1, announcePerMinute);
  }

  /** The signing key, made once per database by the first node that needs it. */
  private Future<NetworkTokens> tokens() {
    Future<NetworkTokens> t = tokens;
    if (t == null || t.failed()) {
      byte[] candidate = new byte[32];
      RANDOM.nextBytes(candidate);
      t = repository.serverKey(pool, candidate).map(NetworkTokens::new);
      tokens = t;
    }
    return t;
  }

  /** What followers may choose: the public working groups, the Talks, the results. */
  public Future<List<Topic>> topics() {
    return groups.visibleTo(Optional.empty()).map(list -> {
      List<Topic> topics = new ArrayList<>();
      list.stream().filter(g -> !g.closed() && !g.archived())
          .forEach(g -> topics.add(new Topic("group:" + g.id(), g.name(), false)));
      topics.add(new Topic("talks", "network.topic.talks", true));
      topics.add(new Topic("results", "network.topic.results", true));
      return topics;
    });
  }

  /** The codes of {@link #topics}. */
  public Future<Set<String>> topicCodes() {
    return topics().map(list -> {
      Set<String> codes = new LinkedHashSet<>();
      list.forEach(t -> codes.add(t.code()));
      return codes;
    });
  }

  /**
   * Records a sign-up and mails the address what it needs (see the class comment); completes the
   * same way for every address. Fails BAD_REQUEST for a form with problems or a filled honeypot and
   * TOO_MANY when the client address signed up too often; a refusal stores and sends nothing.
   */
  public Future<Void> join(JoinForm form, Locale locale, String address) {
    if (form.robot()) {
      return Future.failedFuture(DomainException.badRequest("network.error.robot"));
    }
    String lang = supported(locale);
    return topicCodes().compose(codes -> {
      if (!form.problems(codes).isEmpty()) {
        return Future.failedFuture(DomainException.badRequest(form.problems(codes).values().iterator().next()));
      }
      return limits.take(JOIN_LIMIT, "address:" + address)
          .compose(v -> limits.take(MAIL_LIMIT, "email:" + hash(form.email())).map(true)
              .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.TOO_MANY
                  ? Future.succeededFuture(false) : Future.failedFuture(e)))
          .compose(mayMail -> tokens().compose(tk -> pool.withTransaction(tx -> {
            String nonce = Tokens.random(16);
            return repository.insert(tx, form, lang, nonce, clock.instant()).compose(created -> {
              if (created.isPresent()) {
                return mayMail ? confirmation(tx, tk, created.get(), nonce) : Future.succeededFuture();
              }
              return repository.lockByEmail(tx, form.email()).compose(existing -> {
                Follower f = existing.orElseThrow();
                return switch (f.status()) {
                  case "pending", "unsubscribed" -> repository.renewPending(tx, f.id(), form, lang, mayMail ? nonce : null)
                      .compose(x -> mayMail ? confirmation(tx, tk, f, nonce) : Future.succeededFuture());
                  case "confirmed" -> mayMail ? already(tx, tk, f) : Future.succeededFuture();
                  default -> Future.succeededFuture();
                };
              });
            });
          })));
    });
  }

  /**
   * Confirms a follower by the link's token: a genuine, unexpired token whose nonce is still the
   * follower's (so each link works once). Fails BAD_REQUEST ({@code network.error.link}) for
   * anything else, changing nothing. Completes with the follower's topics-page token.
   */
  public Future<String> confirm(String token) {
    return tokens().compose(tk -> {
      Optional<Claim> claim = tk.verify(token, Purpose.CONFIRM).filter(c -> !c.expiredAt(clock.instant()));
      if (claim.isEmpty()) {
        return Future.failedFuture(DomainException.badRequest("network.error.link"));
      }
      return repository.confirm(pool, claim.get().followerId(), claim.get().nonce(), clock.instant())
          .map(f -> tk.topics(f.orElseThrow(() -> DomainException.badRequest("network.error.link")).id(),
              clock.instant().plus(TOPICS_VALID)));
    });
  }

  /** Whether a confirmation token is genuine and unexpired (the page shows its button only then); stores nothing. */
  public Future<Boolean> confirmable(String token) {
    return tokens().map(tk -> tk.verify(token, Purpose.CONFIRM).filter(c -> !c.expiredAt(clock.instant())).isPresent());
  }

  /** The confirmed follower a topics token names; BAD_REQUEST for a forged or expired token, or a follower gone. */
  public Future<Follower> followerByTopicsToken(String token) {
    return tokens().compose(tk -> {
      Optional<Claim> claim = tk.verify(token, Purpose.TOPICS).filter(c -> !c.expiredAt(clock.instant()));
      if (claim.isEmpty()) {
        return Future.failedFuture(DomainException.badRequest("network.error.link"));
      }
      return repository.byId(pool, claim.get().followerId()).map(f -> f.filter(x -> x.status().equals("confirmed"))
          .orElseThrow(() -> DomainException.badRequest("network.error.link")));
    });
  }

  /** Replaces the follower's topics; BAD_REQUEST for a bad token or a topic that is none of {@link #topics}. */
  public Future<Void> setTopics(String token, List<String> topics) {
    return followerByTopicsToken(token).compose(f -> topicCodes().compose(codes -> {
      if (topics.isEmpty() || !codes.containsAll(topics)) {
        return Future.failedFuture(DomainException.badRequest("network.error.topics"));
      }
      return repository.setTopics(pool, f.id(), topics).mapEmpty();
    }));
  }

  /** What a member chose about announcements: whether they follow, which topics, and whether their address bounced. */
  public record MemberFollowing(boolean following, boolean bounced, List<String> topics) {}

  /** The member's choice, from their follower row (the one linked to them, else the one under their e-mail). */
  public Future<MemberFollowing> following(Member member) {
    String email = memberEmail(member);
    if (email == null) {
      return Future.succeededFuture(new MemberFollowing(false, false, List.of()));
    }
    return repository.memberFollower(pool, member.id(), email).map(f -> f
        .map(x -> new MemberFollowing(x.status().equals("confirmed"), x.status().equals("bounced"),
            x.status().equals("confirmed") ? x.topics() : List.of()))
        .orElse(new MemberFollowing(false, false, List.of())));
  }

  /**
   * A signed-in member follows these topics, or nothing when the list is empty. Their provider vouched for their
   * e-mail, so there is no confirmation link: the follower row (theirs, or the one a follower they were left under the
   * same address) is confirmed and linked to them at once. BAD_REQUEST when the member has no e-mail
   * ({@code network.member.noEmail}), names a topic that is none of {@link #topics} ({@code network.error.topics}),
   * or the address bounced ({@code network.member.bounced}); nothing is stored then.
   */
  public Future<Void> follow(Member member, List<String> topics) {
    String email = memberEmail(member);
    if (email == null) {
      return Future.failedFuture(DomainException.badRequest("network.member.noEmail"));
    }
    return topicCodes().compose(codes -> {
      if (!codes.containsAll(topics) || topics.size() != new LinkedHashSet<>(topics).size()) {
        return Future.failedFuture(DomainException.badRequest("network.error.topics"));
      }
      Instant now = clock.instant();
      return pool.withTransaction(tx -> repository.lockMemberFollower(tx, member.id(), email).compose(existing -> {
        if (existing.isPresent() && existing.get().status().equals("bounced")) {
          return Future.failedFuture(DomainException.badRequest("network.member.bounced"));
        }
        if (topics.isEmpty()) {
          return existing.isEmpty() ? Future.succeededFuture() : repository.unfollowAsMember(tx, existing.get().id(), now);
        }
        if (existing.isEmpty()) {
          String locale = supported(member.locale() == null ? null : Locale.forLanguageTag(member.locale()));
          return repository.insertMemberFollower(tx, member.id(), email, member.displayName(), locale, topics, now);
        }
        return repository.followAsMember(tx, existing.get().id(), member.id(), topics, now).mapEmpty();
      }));
    });
  }

  /** The member's e-mail as follower rows hold it (lower-cased), or null when they have none. */
  private static String memberEmail(Member member) {
    return member.email() == null || member.email().isBlank() ? null : member.email().strip().toLowerCase(Locale.ROOT);
  }

  /** The codes of the topics. */
  Set<String> codes(List<Topic> topics) {
    Set<String> codes = new LinkedHashSet<>();
    topics.forEach(t -> codes.add(t.code()));
    return codes;
  }

  /** Stops everything to the follower a topics token names (the topics page's button). */
  public Future<Void> unsubscribeByTopics(String token) {
    return followerByTopicsToken(token).compose(f -> repository.unsubscribe(pool, f.id(), clock.instant()));
  }

  /** Whether an unsubscribe token is genuine (they do not expire). */
  public Future<Boolean> unsubscribable(String token) {
    return tokens().map(tk -> tk.verify(token, Purpose.UNSUBSCRIBE).isPresent());
  }

  /**
   * Stops everything to the follower the token names; harmless twice (a mail client's one-click
   * POST and the page's button may both arrive). BAD_REQUEST for a token that is not genuine.
   */
  public Future<Void> unsubscribe(String token) {
    return tokens().compose(tk -> tk.verify(token, Purpose.UNSUBSCRIBE)
        .map(c -> repository.unsubscribe(pool, c.followerId(), clock.instant()))
        .orElseGet(() -> Future.failedFuture(DomainException.badRequest("network.error.link"))));
  }

  /**
   * Publishes the announcement and queues it, in the same transaction, for every confirmed follower
   * of its topics (each at most once: {@code network_deliveries}), in the follower's language where
   * a version is given, released at {@code announcePerMinute} by the outbox's hold. Admins to any topic,
   * a group's moderators to their public group's followers (FORBIDDEN otherwise).
   * Completes with the announcement's id.
   */
  public Future<Long> announce(Member author, Announcement announcement) {
    Instant now = clock.instant();
    return mayAnnounce(author, announcement).compose(allowed -> tokens()).compose(tk -> pool.withTransaction(tx ->
        repository.insertAnnouncement(tx, author.id(), announcement, now).compose(id ->
            repository.takeRecipients(tx, id, announcement.topics(), MAX_RECIPIENTS, now).compose(recipients -> {
              Announcement stored = new Announcement(id, announcement.topics(), announcement.en(), announcement.fr(),
                  announcement.de(), now);
              Future<Void> chain = Future.succeededFuture();
              for (int i = 0; i < recipients.size(); i++) {
                Follower f = recipients.get(i);
                Optional<Instant> hold = i < announcePerMinute ? Optional.empty()
                    : Optional.of(now.plus(Duration.ofMinutes(i / announcePerMinute)));
                chain = chain.compose(v -> announcementTo(tx, tk, f, stored, hold));
              }
              return chain.map(id);
            }))));
  }

  /** Sends the announcement to the author alone, as a follower would get it; stores nothing else. */
  public Future<Void> sendTest(Member author, Announcement announcement) {
    return mayAnnounce(author, announcement).compose(allowed -> test(author, announcement));
  }

  /**
   * The topics the member may announce to: every topic for an admin, the public groups they
   * moderate for a moderator; FORBIDDEN for anyone else.
   */
  public Future<List<Topic>> announceableTopics(Member member) {
    if (member.admin()) {
      return topics();
    }
    return groups.visibleTo(Optional.of(member)).map(list -> {
      List<Topic> topics = list.stream().filter(g -> g.viewerIsModerator() && !g.closed() && !g.archived())
          .map(g -> new Topic("group:" + g.id(), g.name(), false)).toList();
      if (topics.isEmpty()) {
        throw DomainException.forbidden();
      }
      return topics;
    });
  }

  /** FORBIDDEN unless every topic of the announcement is one the member may announce to. */
  private Future<Void> mayAnnounce(Member author, Announcement announcement) {
    return announceableTopics(author).map(allowed -> {
      if (announcement.topics().isEmpty() || !codes(allowed).containsAll(announcement.topics())) {
        throw DomainException.forbidden();
      }
      return null;
    });
  }

  private Future<Void> test(Member author, Announcement announcement) {
    if (author.email() == null) {
      return Future.failedFuture(DomainException.badRequest("announcement.error.noEmail"));
    }
    Locale locale = Locale.forLanguageTag(author.locale() == null ? "en" : author.locale());
    Announcement.Text text = announcement.in(locale);
    I18n.Messages m = i18n.forLocale(locale);
    Letter letter = new Letter(0, locale, KIND_ANNOUNCEMENT, m.get("announcement.mail.test", text.title()),
        Optional.empty(), body(m, text, "/announcements"));
    return pool.withTransaction(tx -> outbox.enqueue(tx, new OutgoingMail(author.email(), OptionalLong.empty(),
        KIND_ANNOUNCEMENT, composer.compose(letter), Optional.empty(), OptionalLong.empty())).mapEmpty());
  }

  /**
   * Checks an uploaded CSV of former followers and keeps it for its dry run; completes with its id.
   * A file that cannot be read as a whole (not UTF-8, wrong columns, an open quote) fails
   * BAD_REQUEST, one with too many rows TOO_LARGE; nothing is stored then. Admins only.
   */
  public Future<Long> upload(Member admin, String fileName, byte[] bytes) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (bytes.length > FollowerCsv.MAX_BYTES) {
      return Future.failedFuture(new DomainException(DomainException.Kind.TOO_LARGE, "import.error.size",
          FollowerCsv.MAX_BYTES / 1024 / 1024));
    }
    String content;
    try {
      content = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return Future.failedFuture(DomainException.badRequest("import.error.encoding"));
    }
    if (content.indexOf('\0') >= 0) {
      return Future.failedFuture(DomainException.badRequest("import.error.encoding"));
    }
    String name = fileName == null || fileName.isBlank() ? "followers.csv"
        : eu.mhealthhub.agora.text.CleanText.line(fileName);
    String shortName = name.length() > 200 ? name.substring(0, 200) : name;
    return topicCodes().compose(codes -> {
      try {
        FollowerCsv.read(content, codes);
      } catch (FollowerCsv.Refused r) {
        return Future.failedFuture(refusal(r));
      }
      return repository.insertImport(pool, admin.id(), shortName, content, clock.instant());
    });
  }

  private static DomainException refusal(FollowerCsv.Refused r) {
    Object[] args = r.argument == null ? new Object[0] : new Object[] {r.argument};
    return "import.error.rows".equals(r.messageKey)
        ? new DomainException(DomainException.Kind.TOO_LARGE, r.messageKey, args)
        : DomainException.badRequest(r.messageKey, args);
  }

  /** What the stored upload would do now (or, applied, what is left to do: nothing). NOT_FOUND for another id. */
  public Future<NetworkPages.ImportPage> importReport(Member admin, long id, int created) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return repository.storedImport(pool, id).compose(found -> {
      NetworkRepository.StoredImport stored = found.orElseThrow(DomainException::notFound);
      return topicCodes().compose(codes -> {
        FollowerCsv.Report report;
        try {
          report = FollowerCsv.read(stored.content(), codes);
        } catch (FollowerCsv.Refused r) {
          return Future.failedFuture(refusal(r));
        }
        return repository.existing(pool, report.valid().stream().map(FollowerCsv.Valid::email).toList())
            .map(existing -> NetworkPages.ImportPage.of(stored.id(), stored.fileName(), report, existing,
                stored.appliedAt() != null, created));
      });
    });
  }

  /**
   * Creates the upload's new followers (pending, not asked yet); rows whose address follows
   * already, and every row a second time, change nothing. Completes with how many were created.
   */
  public Future<Integer> applyImport(Member admin, long id) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return topicCodes().compose(codes -> pool.withTransaction(tx -> repository.lockImports(tx)
        .compose(v -> repository.storedImport(tx, id))
        .compose(found -> {
          NetworkRepository.StoredImport stored = found.orElseThrow(DomainException::notFound);
          FollowerCsv.Report report;
          try {
            report = FollowerCsv.read(stored.content(), codes);
          } catch (FollowerCsv.Refused r) {
            return Future.failedFuture(refusal(r));
          }
          return repository.insertImported(tx, report.valid(), clock.instant())
              .compose(n -> repository.markApplied(tx, id, clock.instant()).map(n));
        })));
  }

  /**
   * Queues the one re-permission message for every imported follower not asked yet, with a
   * confirmation link valid for the period after which the unconfirmed are deleted. Completes with
   * how many were asked. Admins only.
   */
  public Future<Integer> sendRepermission(Member admin) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    Instant now = clock.instant();
    return tokens().compose(tk -> pool.withTransaction(tx -> repository.takeRepermission(tx, now).compose(due -> {
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < due.size(); i++) {
        NetworkRepository.Due d = due.get(i);
        Optional<Instant> hold = i < announcePerMinute ? Optional.empty()
            : Optional.of(now.plus(Duration.ofMinutes(i / announcePerMinute)));
        chain = chain.compose(v -> repermission(tx, tk, d, hold));
      }
      return chain.map(due.size());
    })));
  }

  private Future<Void> repermission(SqlConnection tx, NetworkTokens tk, NetworkRepository.Due d, Optional<Instant> hold) {
    Follower f = d.follower();
    Locale locale = Locale.forLanguageTag(f.locale());
    I18n.Messages m = i18n.forLocale(locale);
    String link = "/network/confirm?token=" + tk.confirm(f.id(), d.nonce(), clock.instant().plus(repermissionPeriod));
    Letter letter = new Letter(0, locale, KIND_REPERMISSION, m.get("network.mail.repermission.subject"), Optional.empty(),
        List.of(new MailBlock.Paragraph(m.get("network.mail.repermission.intro", f.name())),
            new MailBlock.Action(m.get("network.mail.confirm.action"), link),
            new MailBlock.Paragraph(m.get("network.mail.repermission.otherwise", repermissionPeriod.toDays()))));
    return outbox.enqueue(tx, new OutgoingMail(f.email(), OptionalLong.empty(), KIND_REPERMISSION,
        composer.composeWithLinks(letter, unsubscribeUrl(tk, f), topicsUrl(tk, f)), hold, OptionalLong.empty()))
        .mapEmpty();
  }

  /** The most followers the CSV export lists. */
  static final int EXPORT_LIMIT = 100_000;

  /** The overview of the network for admins, in the reader's language. */
  public Future<NetworkOverview.Page> overview(Member admin, Locale reader) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    I18n.Messages m = i18n.forLocale(reader);
    NetworkOverview.ChartLabels labels = new NetworkOverview.ChartLabels(m.get("network.overview.chart"),
        m.get("network.overview.chartDesc"), m.get("network.overview.followers"), m.get("network.overview.members"));
    io.vertx.sqlclient.Tuple none = io.vertx.sqlclient.Tuple.tuple();
    var at = io.vertx.sqlclient.Tuple.of(clock.instant().atOffset(java.time.ZoneOffset.UTC));
    return repository.counts(pool, NetworkRepository.MONTHLY, at).compose(months ->
        repository.counts(pool, NetworkRepository.BY_STAKEHOLDER, none).compose(types ->
            repository.counts(pool, NetworkRepository.BY_COUNTRY, none).compose(countries ->
                repository.counts(pool, NetworkRepository.BY_TOPIC, none).compose(byTopic ->
                    overTime(reader, months.stream().map(NetworkRepository.Count::key).toList()).compose(over ->
                        topics().map(names -> NetworkOverview.page(months, types, countries, byTopic, names, reader,
                            labels, over)))))));
  }

  /** The network over the last twelve months by stakeholder type, country and topic, with the balance per month. */
  private Future<NetworkOverTime.OverTime> overTime(Locale reader, List<String> months) {
    I18n.Messages m = i18n.forLocale(reader);
    var at = io.vertx.sqlclient.Tuple.of(clock.instant().atOffset(java.time.ZoneOffset.UTC));
    return repository.monthly(pool, NetworkRepository.MONTHLY_BY_STAKEHOLDER, at).compose(types ->
        repository.monthly(pool, NetworkRepository.MONTHLY_BY_COUNTRY, at).compose(countries ->
            repository.monthly(pool, NetworkRepository.MONTHLY_BY_TOPIC, at).compose(byTopic ->
                topics().map(names -> NetworkOverTime.of(months, types, countries, byTopic, names,
                    new NetworkOverTime.Words(k -> m.get(k), reader))))));
  }

  /** The network over the last twelve months as CSV (monthly breakdowns and balance). Admins only. */
  public Future<String> overTimeCsv(Member admin, Locale reader) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    var at = io.vertx.sqlclient.Tuple.of(clock.instant().atOffset(java.time.ZoneOffset.UTC));
    return repository.counts(pool, NetworkRepository.MONTHLY, at)
        .compose(months -> overTime(reader, months.stream().map(NetworkRepository.Count::key).toList()))
        .map(NetworkOverTime::csv);
  }

  /** Every follower as CSV, spreadsheet formulas neutralised. Admins only. */
  public Future<String> followersCsv(Member admin) {
    if (!admin.admin()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return repository.listFollowers(pool, EXPORT_LIMIT).map(NetworkOverview::csv);
  }

  /** The latest published announcements. */
  public Future<List<Announcement>> announcements(int limit) {
    return repository.announcements(pool, limit);
  }

  /** The latest announcements as an Atom feed. */
  public Future<String> announcementsAtom(int limit) {
    return repository.announcements(pool, limit)
        .map(list -> AnnouncementFeed.atom(publicUrl, i18n.forLocale(Locale.ENGLISH).get("announcement.feed.title"), list));
  }

  /** One announcement; NOT_FOUND for any other id. */
  public Future<Announcement> announcement(long id) {
    return repository.announcement(pool, id).map(a -> a.orElseThrow(DomainException::notFound));
  }

  private Future<Void> announcementTo(SqlConnection tx, NetworkTokens tk, Follower f, Announcement a,
      Optional<Instant> hold) {
    Locale locale = Locale.forLanguageTag(f.locale());
    Announcement.Text text = a.in(locale);
    I18n.Messages m = i18n.forLocale(locale);
    Letter letter = new Letter(0, locale, KIND_ANNOUNCEMENT, text.title(), Optional.empty(),
        body(m, text, "/announcements/" + a.id()));
    return outbox.enqueue(tx, new OutgoingMail(f.email(), OptionalLong.empty(), KIND_ANNOUNCEMENT,
        composer.composeWithLinks(letter, unsubscribeUrl(tk, f), topicsUrl(tk, f)), hold, OptionalLong.empty()))
        .mapEmpty();
  }

  private static List<MailBlock> body(I18n.Messages m, Announcement.Text text, String link) {
    return List.of(new MailBlock.Heading(text.title()), new MailBlock.Paragraph(text.body()),
        new MailBlock.Action(m.get("announcement.mail.read"), link));
  }

  private Future<Void> confirmation(SqlConnection tx, NetworkTokens tk, Follower f, String nonce) {
    Locale locale = Locale.forLanguageTag(f.locale());
    I18n.Messages m = i18n.forLocale(locale);
    String link = "/network/confirm?token=" + tk.confirm(f.id(), nonce, clock.instant().plus(CONFIRM_VALID));
    Letter letter = new Letter(0, locale, KIND_CONFIRM, m.get("network.mail.confirm.subject"), Optional.empty(),
        List.of(new MailBlock.Paragraph(m.get("network.mail.confirm.intro")),
            new MailBlock.Action(m.get("network.mail.confirm.action"), link),
            new MailBlock.Paragraph(m.get("network.mail.confirm.ignore"))));
    return enqueue(tx, tk, f, letter);
  }

  private Future<Void> already(SqlConnection tx, NetworkTokens tk, Follower f) {
    Locale locale = Locale.forLanguageTag(f.locale());
    I18n.Messages m = i18n.forLocale(locale);
    Letter letter = new Letter(0, locale, KIND_ALREADY, m.get("network.mail.already.subject"), Optional.empty(),
        List.of(new MailBlock.Paragraph(m.get("network.mail.already.intro")),
            new MailBlock.Action(m.get("network.mail.already.action"), topicsPath(tk, f))));
    return enqueue(tx, tk, f, letter);
  }

  private Future<Void> enqueue(SqlConnection tx, NetworkTokens tk, Follower f, Letter letter) {
    return outbox.enqueue(tx, new OutgoingMail(f.email(), OptionalLong.empty(), letter.kind(),
        composer.composeWithLinks(letter, unsubscribeUrl(tk, f), topicsUrl(tk, f)), Optional.empty(),
        OptionalLong.empty())).mapEmpty();
  }

  private String topicsPath(NetworkTokens tk, Follower f) {
    return "/network/topics?token=" + tk.topics(f.id(), clock.instant().plus(TOPICS_VALID));
  }

  private String topicsUrl(NetworkTokens tk, Follower f) {
    return publicUrl + topicsPath(tk, f);
  }

  private String unsubscribeUrl(NetworkTokens tk, Follower f) {
    return publicUrl + "/network/unsubscribe?token=" + tk.unsubscribe(f.id());
  }

  private static String supported(Locale locale) {
    String lang = locale == null ? "en" : locale.getLanguage();
    return lang.equals("fr") || lang.equals("de") ? lang : "en";
  }

  /** The subject of the per-address mail limit: the address itself is not kept in the buckets. */
  private static String hash(String email) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(("network:" + email).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
