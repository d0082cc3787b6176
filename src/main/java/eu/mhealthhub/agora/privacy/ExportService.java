package eu.mhealthhub.agora.privacy;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import eu.mhealthhub.agora.privacy.ExportRepository.AttachmentFile;
import eu.mhealthhub.agora.privacy.ExportRepository.Claim;
import eu.mhealthhub.agora.privacy.ExportRepository.ExportRow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's data export (GDPR Art. 15 and 20). A request writes one row; a worker on every node
 * claims queued rows with {@code FOR UPDATE SKIP LOCKED}, reads each {@linkplain ExportSections
 * section} with the async client, writes the zip in {@code executeBlocking}, stores it in the row
 * (bytea, as attachments are) for the configured time (24 hours by default) and tells the member with an
 * {@link NotificationKind#EXPORT_READY} notification. A partial unique index keeps one export in
 * preparation per member, whichever node takes the request.
 */
public final class ExportService {

  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);
  private static final long POLL_MS = 1000;

  /** One export as the page shows it. */
  public record ExportView(long id, String status, Instant requestedAt, Instant expiresAt, Long sizeBytes,
      boolean downloadable, String link) {}

  /** The export page: the member's recent exports, newest first, and whether one is being prepared. */
  public record ExportPage(List<ExportView> exports, boolean preparing) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final NotificationService notifications;
  private final Duration kept;
  private final ExportRepository repository = new ExportRepository();
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  /** @param kept how long a ready export can be downloaded (AGORA_RETENTION's {@code exports}) */
  public ExportService(Vertx vertx, Pool pool, Clock clock, NotificationService notifications, Duration kept) {
    this.kept = kept;
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.notifications = notifications;
  }

  /**
   * Starts an export for the member, or returns the one already being prepared (never two).
   * Completes with the export's id.
   */
  public Future<Long> request(long memberId) {
    return pool.withTransaction(tx -> repository.insert(tx, memberId, clock.instant()).compose(id -> id.isPresent()
        ? Future.succeededFuture(id.get())
        : repository.pending(tx, memberId).map(p -> p.orElseThrow(() -> new DomainException(DomainException.Kind.CONFLICT, "export.error.busy")))));
  }

  /** The member's recent exports. */
  public Future<ExportPage> page(long memberId) {
    Instant now = clock.instant();
    return repository.ofMember(pool, memberId).map(rows -> new ExportPage(rows.stream().map(r -> view(r, now)).toList(),
        rows.stream().anyMatch(r -> r.status().pending())));
  }

  private static ExportView view(ExportRow r, Instant now) {
    boolean downloadable = r.status() == ExportStatus.READY && r.expiresAt().isAfter(now);
    return new ExportView(r.id(), r.status().label(), r.requestedAt(), r.expiresAt(), r.sizeBytes(), downloadable,
        "/me/export/" + r.id() + "/download");
  }

  /** The zip of the member's own ready export; fails NOT_FOUND for anyone else's, an expired or unfinished one. */
  public Future<Buffer> download(long memberId, long id) {
    return repository.content(pool, id, memberId, clock.instant()).map(c -> c.orElseThrow(DomainException::notFound));
  }

  // ---- who may read an export (the notification's subject): its member only

  public Future<Set<Long>> readableExports(Optional<Member> viewer, Set<Long> ids) {
    return viewer.isEmpty() ? Future.succeededFuture(Set.of())
        : repository.owned(pool, viewer.get().id(), ids.toArray(Long[]::new)).map(Set::copyOf);
  }

  public Future<Set<Long>> exportReaders(long id, Set<Long> memberIds) {
    return repository.owner(pool, id).map(owner -> owner.filter(memberIds::contains).map(Set::of).orElse(Set.of()));
  }

  // ---- the worker

  /** Starts this node's worker: every second it prepares every queued export, one at a time. */
  public void start() {
    timer = vertx.setPeriodic(POLL_MS, id -> drain());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void drain() {
    if (running.compareAndSet(false, true)) {
      next();
    }
  }

  private void next() {
    prepareOne().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        next();
        return;
      }
      running.set(false);
      if (ar.failed()) {
        LOG.warn("export not prepared: {}", ar.cause().getMessage());
      }
    });
  }

  /** Prepares the oldest waiting export; completes with false when there was none. */
  Future<Boolean> prepareOne() {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> repository.claim(tx, now)).compose(claim -> {
      if (claim.isEmpty()) {
        return Future.succeededFuture(false);
      }
      Claim c = claim.get();
      return prepare(c).recover(e -> {
        LOG.warn("export {} of member {} failed: {}", c.id(), c.memberId(), e.getMessage());
        return repository.failed(pool, c.id());
      }).map(true);
    });
  }

  private Future<Void> prepare(Claim claim) {
    Map<String, String> files = new LinkedHashMap<>();
    Future<Void> read = Future.succeededFuture();
    for (ExportSections.Section section : ExportSections.ALL) {
      read = read.compose(v -> repository.section(pool, section.sql(), claim.memberId()).map(json -> {
        files.put(section.file(), json);
        return null;
      }));
    }
    return read.compose(v -> Future.all(repository.attachmentFiles(pool, claim.memberId()),
            repository.avatarFile(pool, claim.memberId())))
        .compose(both -> vertx.executeBlocking(() -> zip(files, both.resultAt(0), both.resultAt(1)), false))
        .compose(zip -> {
          Instant ready = clock.instant();
          return pool.withTransaction(tx -> repository.ready(tx, claim.id(), ready, ready.plus(kept), zip)
              .compose(stored -> !stored ? Future.<Void>succeededFuture()
                  : notifications.record(tx, Notice.about("export", claim.id(), "/me/export")
                      .in("export", claim.id(), null, "").tell(claim.memberId(), NotificationKind.EXPORT_READY))));
        });
  }

  /** The zip without a picture. */
  static byte[] zip(Map<String, String> files, List<AttachmentFile> attachments) {
    return zip(files, attachments, java.util.Optional.empty());
  }

  /** The zip: each section's JSON (pretty-printed), each post as Markdown, each uploaded file, the picture as avatar.png. */
  static byte[] zip(Map<String, String> files, List<AttachmentFile> attachments, java.util.Optional<byte[]> avatar) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        String json = f.getValue().startsWith("[") ? new JsonArray(f.getValue()).encodePrettily()
            : new JsonObject(f.getValue()).encodePrettily();
        put(zip, f.getKey(), json.getBytes(StandardCharsets.UTF_8));
      }
      JsonArray posts = new JsonArray(files.getOrDefault("posts.json", "[]"));
      for (int i = 0; i < posts.size(); i++) {
        JsonObject p = posts.getJsonObject(i);
        String md = "# " + p.getString("thread_title", "") + "\n\n<!-- post " + p.getLong("id") + ", "
            + p.getString("created_at", "") + " -->\n\n" + p.getString("body_markdown", "") + "\n";
        put(zip, "posts/" + p.getLong("id") + ".md", md.getBytes(StandardCharsets.UTF_8));
      }
      for (AttachmentFile a : attachments) {
        put(zip, "attachments/" + a.id() + "-" + safeName(a.fileName()), a.data());
      }
      if (avatar.isPresent()) {
        put(zip, "avatar.png", avatar.get());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A file name that cannot leave its folder when unzipped. */
  static String safeName(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9._ -]", "_").replaceAll("^\\.+", "_");
    return cleaned.isBlank() ? "file" : cleaned;
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  static List<String> sectionFiles() {
    return Arrays.asList(ExportSections.ALL.stream().map(ExportSections.Section::file).toArray(String[]::new));
  }
}
