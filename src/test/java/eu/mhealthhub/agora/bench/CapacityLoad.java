package eu.mhealthhub.agora.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator of {@code bench/capacity.sh} (see {@code bench/README.md}); not a test. Against one
 * node or several (the load and the subscribers split over them, round robin) it
 * <ol>
 *   <li>opens {@code --subscribers} WebSockets to the event-bus bridge as {@link LiveLoad} does
 *       (SockJS's WebSocket transport, {@code Origin} header, a ping every 20 s), each registering one
 *       busy thread's address and its group's;</li>
 *   <li>runs {@code --connections} signed-in virtual readers in a closed loop for {@code --warmup}
 *       then {@code --duration} seconds, each request drawn from a busy day's mix: 85 % page reads
 *       (thread, group, document, home), 10 % writes (replies and reactions through the JSON API,
 *       document comments through the section form), 5 % searches;</li>
 *   <li>prints a Markdown table: requests, throughput, p50 and p99 per kind, errors; then the live
 *       events delivered and their delay from the reply's POST being sent to each subscriber's receipt.</li>
 * </ol>
 *
 * <p>Arguments ({@code --name value}): {@code --bases http://localhost:18080,http://localhost:18081},
 * {@code --origin} (the public URL, default the first base), {@code --readers <file>} and
 * {@code --writers <file>} (one signed-in session a line: {@code agora_session=... <csrf>}),
 * {@code --targets <file>} (one a line: {@code thread <id>}, {@code group <slug>},
 * {@code document <id>}, {@code hot <threadId> <groupId>}, {@code post <id>},
 * {@code section <documentId> <key>}, {@code word <search word>}), {@code --subscribers 1000},
 * {@code --connections 32}, {@code --warmup 15}, {@code --duration 90}, {@code --batch 200},
 * {@code --handshake <dir>} (writes {@code <dir>/measuring} when the measured time starts, {@code <dir>/measured}
 * with the number of requests measured when it ends, the sockets still open).
 */
public final class CapacityLoad {

  /** The kinds of request, in report order, with their share of the mix in per mille. */
  enum Kind {
    THREAD("thread page", 400, false), GROUP("group page", 200, false), DOCUMENT("document page", 150, false),
    HOME("home page", 100, false), REPLY("reply (API)", 50, true), REACTION("reaction (API)", 30, true),
    COMMENT("document comment (form)", 20, true), SEARCH("search page", 50, false);

    final String label;
    final int perMille;
    final boolean write;

    Kind(String label, int perMille, boolean write) {
      this.label = label;
      this.perMille = perMille;
      this.write = write;
    }

    static Kind draw() {
      int r = ThreadLocalRandom.current().nextInt(1000);
      for (Kind k : values()) {
        r -= k.perMille;
        if (r < 0) {
          return k;
        }
      }
      return THREAD;
    }
  }

  record Session(String cookie, String csrf) {}

  record Hot(long thread, long group) {}

  record Section(long document, int key) {}

  /** Latencies (ns) and outcomes of one kind; written from the load's event loops. */
  static final class Stats {
    private long[] nanos = new long[1024];
    private int n;
    final AtomicLong errors = new AtomicLong();
    final Map<String, AtomicInteger> errorSamples = new ConcurrentHashMap<>();

    synchronized void add(long latency) {
      if (n == nanos.length) {
        nanos = Arrays.copyOf(nanos, n * 2);
      }
      nanos[n++] = latency;
    }

    synchronized long[] sorted() {
      long[] s = Arrays.copyOf(nanos, n);
      Arrays.sort(s);
      return s;
    }

    void error(String what) {
      errors.incrementAndGet();
      if (errorSamples.size() < 10 || errorSamples.containsKey(what)) {
        errorSamples.computeIfAbsent(what, w -> new AtomicInteger()).incrementAndGet();
      }
    }
  }

  private final List<URI> bases = new ArrayList<>();
  private final String origin;
  private final List<Session> readers;
  private final List<Session> writers;
  private final List<Long> threads = new ArrayList<>();
  private final List<String> groups = new ArrayList<>();
  private final List<Long> documents = new ArrayList<>();
  private final List<Hot> hot = new ArrayList<>();
  private final List<Long> posts = new ArrayList<>();
  private final List<Section> sections = new ArrayList<>();
  private final List<String> words = new ArrayList<>();
  private final int subscribers;
  private final int connections;
  private final int warmupS;
  private final int durationS;
  private final int batch;
  private final String handshake;

  private final Vertx sockVertx;
  private final Vertx loadVertx;
  private final WebSocketClient wsClient;
  private final List<HttpClientAgent> http = new ArrayList<>();
  private final Map<Kind, Stats> stats = new LinkedHashMap<>();
  private volatile boolean measuring;
  private volatile boolean stopping;
  /** Replies answered 201 while measuring: post id to the moment its POST was sent (System.nanoTime). */
  private final Map<Long, Long> replySent = new ConcurrentHashMap<>();
  /** Replies answered 201 while measuring: post id to its thread. */
  private final Map<Long, Long> replyThread = new ConcurrentHashMap<>();
  private final AtomicLong groupEvents = new AtomicLong();
  private final AtomicLong otherEvents = new AtomicLong();
  private LiveLoad.Sub[] subs = new LiveLoad.Sub[0];
  private long[] subThread = new long[0];

  private CapacityLoad(Map<String, String> args) throws Exception {
    for (String b : require(args, "bases").split(",")) {
      bases.add(URI.create(b.trim()));
    }
    this.origin = args.getOrDefault("origin", bases.get(0).toString());
    this.readers = sessions(Path.of(require(args, "readers")));
    this.writers = sessions(Path.of(require(args, "writers")));
    for (String line : Files.readAllLines(Path.of(require(args, "targets")), StandardCharsets.UTF_8)) {
      String[] f = line.strip().split("\\s+", 2);
      if (f.length < 2) {
        continue;
      }
      String[] v = f[1].split("\\s+");
      switch (f[0]) {
        case "thread" -> threads.add(Long.parseLong(v[0]));
        case "group" -> groups.add(v[0]);
        case "document" -> documents.add(Long.parseLong(v[0]));
        case "hot" -> hot.add(new Hot(Long.parseLong(v[0]), Long.parseLong(v[1])));
        case "post" -> posts.add(Long.parseLong(v[0]));
        case "section" -> sections.add(new Section(Long.parseLong(v[0]), Integer.parseInt(v[1])));
        case "word" -> words.add(f[1]);
        default -> throw new IllegalArgumentException("unknown target line: " + line);
      }
    }
    for (var list : List.of(threads, groups, documents, hot, posts, sections, words)) {
      if (list.isEmpty()) {
        throw new IllegalArgumentException("the targets file lacks a kind of target (thread, group, document, hot, post, section, word)");
      }
    }
    this.subscribers = Integer.parseInt(args.getOrDefault("subscribers", "1000"));
    this.connections = Integer.parseInt(args.getOrDefault("connections", "32"));
    this.warmupS = Integer.parseInt(args.getOrDefault("warmup", "15"));
    this.durationS = Integer.parseInt(args.getOrDefault("duration", "90"));
    this.batch = Integer.parseInt(args.getOrDefault("batch", "200"));
    this.handshake = args.get("handshake");
    for (Kind k : Kind.values()) {
      stats.put(k, new Stats());
    }
    sockVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    wsClient = sockVertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
        .setConnectTimeout(30_000).setTryUsePerMessageCompression(true).setMaxMessageSize(1 << 20));
    loadVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    for (int i = 0; i < bases.size(); i++) {
      http.add(loadVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
          new PoolOptions().setHttp1MaxSize(connections)));
    }
  }

  private static String require(Map<String, String> args, String name) {
    String v = args.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return v;
  }

  private static List<Session> sessions(Path file) throws Exception {
    List<Session> list = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2) {
        list.add(new Session(f[0], f[1]));
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no sessions in " + file);
    }
    return list;
  }

  private static void log(String format, Object... a) {
    System.err.printf("[capacity] " + format + "%n", a);
  }

  private static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static <T> T any(List<T> list) {
    return list.get(ThreadLocalRandom.current().nextInt(list.size()));
  }

  // ------------------------------------------------------------------ subscribers

  private void onFrame(int index, String frame) {
    long now = System.nanoTime();
    LiveLoad.Sub sub = subs[index];
    if (frame.isEmpty()) {
      return;
    }
    switch (frame.charAt(0)) {
      case 'o' -> {
        Hot h = hot.get(index % hot.size());
        sub.ws.writeTextMessage(LiveLoad.sockJs("{\"type\":\"register\",\"address\":\"thread." + h.thread() + "\"}"));
        sub.ws.writeTextMessage(LiveLoad.sockJs("{\"type\":\"register\",\"address\":\"group." + h.group() + "\"}"));
      }
      case 'a' -> {
        JsonArray messages = new JsonArray(frame.substring(1));
        for (int i = 0; i < messages.size(); i++) {
          onMessage(sub, messages.getString(i), now);
        }
      }
      default -> sub.other.incrementAndGet();
    }
  }

  private void onMessage(LiveLoad.Sub sub, String s, long now) {
    int body = s.indexOf("\"body\"");
    if (s.startsWith("{\"type\":\"err\"") || (body < 0 && s.contains("\"err\""))) {
      sub.errFrames.incrementAndGet();
      return;
    }
    if (body < 0) {
      sub.other.incrementAndGet();
      return;
    }
    if (s.contains("\"address\":\"group.")) {
      groupEvents.incrementAndGet();
      return;
    }
    if (s.indexOf("\"post.created\"", body) < 0) {
      otherEvents.incrementAndGet();
      return;
    }
    long id = LiveLoad.number(s, "\"id\":", body);
    if (id < 0) {
      id = new JsonObject(s).getJsonObject("body").getLong("id");
    }
    sub.add(id, 0, now);
  }

  private Future<Void> open(int index) {
    URI base = bases.get(index % bases.size());
    LiveLoad.Sub sub = subs[index];
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(base.getPort())
        .setURI(LiveLoad.sockJsUri()).setHeaders(MultiMap.caseInsensitiveMultiMap().add("Origin", origin))
        .setTimeout(60_000);
    return wsClient.connect(options).map(ws -> {
      sub.ws = ws;
      ws.textMessageHandler(t -> onFrame(index, t));
      ws.exceptionHandler(e -> {
        if (sub.failure == null) {
          sub.failure = e.toString();
        }
      });
      ws.closeHandler(v -> sub.closed = true);
      return (Void) null;
    }).onFailure(e -> {
      sub.failure = e.toString();
      sub.closed = true;
    });
  }

  private int connectSubscribers() throws Exception {
    subs = new LiveLoad.Sub[subscribers];
    subThread = new long[subscribers];
    for (int i = 0; i < subscribers; i++) {
      subs[i] = new LiveLoad.Sub(i);
      subThread[i] = hot.get(i % hot.size()).thread();
    }
    for (int from = 0; from < subscribers; from += batch) {
      List<Future<Void>> opening = new ArrayList<>();
      for (int i = from; i < Math.min(subscribers, from + batch); i++) {
        int index = i;
        opening.add(Future.future(p -> sockVertx.runOnContext(v -> open(index).onComplete(r -> p.complete()))));
      }
      await(Future.join(opening), 120);
    }
    AtomicLong ticks = new AtomicLong();
    sockVertx.setPeriodic(1000, t -> {
      int slot = (int) (ticks.getAndIncrement() % 20);
      for (LiveLoad.Sub s : subs) {
        if (s.ws != null && !s.closed && s.index % 20 == slot) {
          s.ws.writeTextMessage(LiveLoad.sockJs("{\"type\":\"ping\"}"));
        }
      }
    });
    return (int) Arrays.stream(subs).filter(s -> s.ws != null && !s.closed).count();
  }

  // ------------------------------------------------------------------ the mix

  private RequestOptions request(int user, HttpMethod method, String uri) {
    URI base = bases.get(user % bases.size());
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(base.getPort()).setURI(uri)
        .setTimeout(30_000);
  }

  /** One request of the given kind by virtual user {@code user}; completes with its outcome ("" = success). */
  private Future<String> once(int user, Kind kind, long[] sentAt) {
    Session reader = readers.get(user % readers.size());
    Session writer = writers.get(user % writers.size());
    ThreadLocalRandom r = ThreadLocalRandom.current();
    RequestOptions options;
    Buffer payload = null;
    int expected = 200;
    switch (kind) {
      case THREAD -> options = request(user, HttpMethod.GET, "/threads/" + any(threads));
      case GROUP -> options = request(user, HttpMethod.GET, "/groups/" + any(groups));
      case DOCUMENT -> options = request(user, HttpMethod.GET, "/documents/" + any(documents));
      case HOME -> options = request(user, HttpMethod.GET, "/");
      case SEARCH -> options = request(user, HttpMethod.GET, "/search?q=" + URLEncoder.encode(any(words), StandardCharsets.UTF_8));
      case REPLY -> {
        Hot h = any(hot);
        sentAt[1] = h.thread();
        options = request(user, HttpMethod.POST, "/api/v1/threads/" + h.thread() + "/posts")
            .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        payload = new JsonObject().put("body", "Capacity benchmark reply " + r.nextLong(1L << 40)
            + ": what payers ask for before they reimburse a digital health application.").toBuffer();
        expected = 201;
      }
      case REACTION -> {
        options = request(user, HttpMethod.POST, "/api/v1/posts/" + any(posts) + "/reactions")
            .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
        payload = new JsonObject().put("kind", "like").toBuffer();
      }
      case COMMENT -> {
        Section s = any(sections);
        options = request(user, HttpMethod.POST, "/documents/" + s.document() + "/sections/" + s.key() + "/comments")
            .putHeader("Content-Type", "application/x-www-form-urlencoded");
        payload = Buffer.buffer("_csrf=" + URLEncoder.encode(writer.csrf(), StandardCharsets.UTF_8)
            + "&clientToken=cap-" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36)
            + "&body=" + URLEncoder.encode("A comment from the capacity benchmark on this section.", StandardCharsets.UTF_8));
        expected = 303;
      }
      default -> throw new IllegalStateException();
    }
    Session who = kind.write ? writer : reader;
    options.putHeader("Cookie", who.cookie());
    if (kind.write) {
      options.putHeader("X-CSRF-Token", who.csrf()).putHeader("Origin", origin);
    }
    Buffer body = payload;
    int want = expected;
    HttpClientAgent client = http.get(user % bases.size());
    return client.request(options).compose(req -> {
      sentAt[0] = System.nanoTime();
      return (body == null ? req.send() : req.send(body)).compose(resp -> resp.body().map(b -> {
        if (resp.statusCode() != want) {
          return "HTTP " + resp.statusCode();
        }
        if (kind == Kind.REPLY && measuring) {
          long id = b.toJsonObject().getLong("id");
          replySent.put(id, sentAt[0]);
          replyThread.put(id, sentAt[1]);
        }
        return "";
      }));
    });
  }

  private void loop(int user) {
    if (stopping) {
      return;
    }
    Kind kind = Kind.draw();
    long[] sentAt = {System.nanoTime(), 0};
    long start = System.nanoTime();
    boolean counted = measuring;
    once(user, kind, sentAt).onComplete(ar -> {
      long took = System.nanoTime() - start;
      if (counted && measuring) {
        Stats s = stats.get(kind);
        if (ar.succeeded() && ar.result().isEmpty()) {
          s.add(took);
        } else {
          s.error(ar.succeeded() ? ar.result() : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage());
        }
      }
      loop(user);
    });
  }

  // ------------------------------------------------------------------ the run

  private void run(String label) throws Exception {
    log("%s: opening %d subscriber sockets over %d node(s), each registering one of %d busy threads and its group",
        label, subscribers, bases.size(), hot.size());
    long t0 = System.nanoTime();
    int open = connectSubscribers();
    log("%d of %d sockets open after %.1f s; waiting 3 s for their registrations", open, subscribers, (System.nanoTime() - t0) / 1e9);
    Thread.sleep(3000);
    log("%d virtual readers (%d sessions, writes by %d sessions): %d s warm-up, then %d s measured",
        connections, readers.size(), writers.size(), warmupS, durationS);
    for (int i = 0; i < connections; i++) {
      int user = i;
      loadVertx.runOnContext(v -> loop(user));
    }
    Thread.sleep(warmupS * 1000L);
    measuring = true;
    long measuredFrom = System.nanoTime();
    if (handshake != null) {
      Files.writeString(Path.of(handshake, "measuring"), "");
    }
    Thread.sleep(durationS * 1000L);
    measuring = false;
    long measured = System.nanoTime() - measuredFrom;
    stopping = true;
    if (handshake != null) { // the script reads CPU, memory and load now, with the sockets still open
      long requests = stats.values().stream().mapToLong(st -> st.sorted().length + st.errors.get()).sum();
      Files.writeString(Path.of(handshake, "measured"), Long.toString(requests));
    }
    log("measured; letting the last events arrive (5 s)");
    Thread.sleep(5000);
    report(label, open, measured);
  }

  private void report(String label, int open, long measuredNanos) {
    double seconds = measuredNanos / 1e9;
    long total = 0;
    long totalErrors = 0;
    System.out.println("| kind | share | requests | req/s | p50 | p99 | errors |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    List<long[]> all = new ArrayList<>();
    for (Kind k : Kind.values()) {
      Stats s = stats.get(k);
      long[] sorted = s.sorted();
      all.add(sorted);
      total += sorted.length;
      totalErrors += s.errors.get();
      System.out.printf(Locale.ROOT, "| %s | %.1f %% | %,d | %,.1f | %s | %s | %,d |%n", k.label, k.perMille / 10.0, sorted.length,
          sorted.length / seconds, LiveLoad.ms(LiveLoad.pct(sorted, 50)), LiveLoad.ms(LiveLoad.pct(sorted, 99)), s.errors.get());
    }
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(Locale.ROOT, "| **all** | 100 %% | %,d | **%,.1f** | %s | %s | %,d |%n", total, total / seconds,
        LiveLoad.ms(LiveLoad.pct(merged, 50)), LiveLoad.ms(LiveLoad.pct(merged, 99)), totalErrors);
    System.out.println();
    // live delivery: every reply posted (201) while measuring, to every subscriber of its thread
    Map<Long, Integer> perThread = new HashMap<>();
    for (long t : subThread) {
      perThread.merge(t, 1, Integer::sum);
    }
    long expected = 0;
    for (Map.Entry<Long, Long> e : replyThread.entrySet()) {
      expected += perThread.getOrDefault(e.getValue(), 0);
    }
    long received = 0;
    List<Long> delays = new ArrayList<>();
    int err = 0;
    int closed = 0;
    for (LiveLoad.Sub s : subs) {
      long[][] snap = s.snapshot();
      for (int i = 0; i < snap[0].length; i++) {
        Long sent = replySent.get(snap[0][i]);
        if (sent != null) {
          received++;
          delays.add(snap[2][i] - sent);
        }
      }
      err += s.errFrames.get();
      closed += s.closed ? 1 : 0;
    }
    long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "Live: %,d of %,d subscriber sockets open (%d closed by the end, %d refused registrations); "
            + "%,d replies posted while measuring, %,d deliveries of their post.created expected on the thread addresses, %,d received "
            + "(%.1f %%); delay from the POST being sent to the subscriber's receipt p50 %s, p99 %s, max %s; "
            + "%,d events on the group addresses and %,d other events on the thread addresses received.%n",
        open, subscribers, closed, err, replySent.size(), expected, received, expected == 0 ? 0.0 : 100.0 * received / expected,
        LiveLoad.ms(LiveLoad.pct(d, 50)), LiveLoad.ms(LiveLoad.pct(d, 99)), LiveLoad.ms(LiveLoad.max(d)),
        groupEvents.get(), otherEvents.get());
    for (Kind k : Kind.values()) {
      Stats s = stats.get(k);
      if (!s.errorSamples.isEmpty()) {
        System.out.println("Errors of " + k.label + ": " + s.errorSamples);
      }
    }
    System.out.flush();
  }

  private void close() {
    try {
      for (HttpClientAgent c : http) {
        await(c.close(), 10);
      }
      await(loadVertx.close(), 10);
      await(sockVertx.close(), 30);
    } catch (Exception e) {
      log("closing the generator: %s", e);
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + argv[i]);
      }
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    CapacityLoad load = new CapacityLoad(args);
    int status = 0;
    try {
      load.run(args.getOrDefault("label", "run"));
    } catch (Exception e) {
      log("FAILED: %s", e);
      e.printStackTrace();
      status = 1;
    } finally {
      load.close();
    }
    System.exit(status);
  }
}
