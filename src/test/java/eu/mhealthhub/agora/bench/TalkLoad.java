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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator of {@code bench/talk.sh}; not a test. One Talk room, N participants on WebSockets
 * (SockJS's WebSocket transport, as pages connect, through {@link LiveLoad}'s helpers), members
 * sending chat messages and votes through the room's forms (the JSON answers of the same POSTs the
 * pages send), at fixed rates for a fixed time. Each answer names the number its event got on
 * {@code talk.<id>}; each socket records when each number arrived, so every submission's time to
 * reach all participants is exact. Afterwards it reads the question list as anyone sees it and
 * checks that each question's count equals the votes the generator had accepted for it.
 *
 * <p>Arguments ({@code --name value}): {@code --base}, {@code --origin}, {@code --slug},
 * {@code --talk <id>}, {@code --sessions <file>} (lines "cookie csrf", one member each),
 * {@code --participants 500}, {@code --questions 40}, {@code --duration 60} (s),
 * {@code --messages 20} and {@code --votes 50} (per second), {@code --warmup 5} (s at the same rates before
 * the measured run; its votes are counted in the final check, its latencies are not), {@code --batch 100}.
 */
public final class TalkLoad {

  private final String host = "127.0.0.1";
  private final int port;
  private final String origin;
  private final String slug;
  private final long talk;
  private final List<String[]> members = new ArrayList<>();
  private final int participants;
  private final int questionCount;
  private final int durationS;
  private final int messagesPerSecond;
  private final int votesPerSecond;
  private final int batch;
  private final int warmupS;

  private final Vertx sockVertx;
  private final Vertx postVertx;
  private final WebSocketClient ws;
  private final HttpClientAgent http;
  private Socket[] sockets = new Socket[0];

  /** One participant: when each event number arrived (System.nanoTime), and duplicates. */
  static final class Socket {
    final int index;
    volatile WebSocket ws;
    volatile boolean closed;
    volatile String failure;
    private long[] at = new long[8192];
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();

    Socket(int index) {
      this.index = index;
    }

    synchronized void arrived(long seq, long nanos) {
      if (seq >= at.length) {
        at = Arrays.copyOf(at, (int) Math.max(seq + 1, at.length * 2L));
      }
      if (at[(int) seq] != 0) {
        duplicates.incrementAndGet();
      } else {
        at[(int) seq] = nanos;
      }
    }

    synchronized long at(long seq) {
      return seq < at.length ? at[(int) seq] : 0;
    }
  }

  /** A submission: what it was, when it was sent, its answer's status and its event's number. */
  record Submitted(String kind, long sent, long answered, int status, long seq, long question) {
    Submitted warm() {
      return new Submitted("warm-up " + kind, sent, answered, status, seq, question);
    }
  }

  private TalkLoad(Map<String, String> args) throws Exception {
    java.net.URI base = java.net.URI.create(args.get("base"));
    port = base.getPort();
    origin = args.getOrDefault("origin", args.get("base"));
    slug = args.get("slug");
    talk = Long.parseLong(args.get("talk"));
    for (String line : Files.readAllLines(Path.of(args.get("sessions")))) {
      if (!line.isBlank()) {
        members.add(line.trim().split("\\s+"));
      }
    }
    participants = Integer.parseInt(args.getOrDefault("participants", "500"));
    questionCount = Integer.parseInt(args.getOrDefault("questions", "40"));
    durationS = Integer.parseInt(args.getOrDefault("duration", "60"));
    messagesPerSecond = Integer.parseInt(args.getOrDefault("messages", "20"));
    votesPerSecond = Integer.parseInt(args.getOrDefault("votes", "50"));
    batch = Integer.parseInt(args.getOrDefault("batch", "100"));
    warmupS = Integer.parseInt(args.getOrDefault("warmup", "5"));
    if ((long) members.size() * questionCount < (long) votesPerSecond * (durationS + warmupS)) {
      throw new IllegalArgumentException("members × questions must cover every vote: each pair votes once");
    }
    sockVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1));
    ws = sockVertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
        .setConnectTimeout(30_000).setTryUsePerMessageCompression(false));
    postVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    http = postVertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(64));
    AtomicInteger ticks = new AtomicInteger();
    sockVertx.setPeriodic(1000, t -> {
      int slot = ticks.getAndIncrement() % 20;
      for (Socket s : sockets) {
        if (s != null && s.ws != null && !s.closed && s.index % 20 == slot) {
          s.ws.writeTextMessage(LiveLoad.sockJs("{\"type\":\"ping\"}"));
        }
      }
    });
  }

  private static void log(String format, Object... a) {
    System.err.printf("[talk-load] " + format + "%n", a);
  }

  private static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ participants

  private void onFrame(Socket s, String frame) {
    long now = System.nanoTime();
    if (frame.isEmpty()) {
      return;
    }
    if (frame.charAt(0) == 'o') {
      s.ws.writeTextMessage(LiveLoad.sockJs("{\"type\":\"register\",\"address\":\"talk." + talk + "\"}"));
    } else if (frame.charAt(0) == 'a') {
      JsonArray messages = new JsonArray(frame.substring(1));
      for (int i = 0; i < messages.size(); i++) {
        String m = messages.getString(i);
        int body = m.indexOf("\"body\"");
        if (body < 0) {
          s.errors.incrementAndGet();
          continue;
        }
        long seq = LiveLoad.number(m, "\"seq\":", body);
        if (seq < 0) {
          seq = new JsonObject(m).getJsonObject("body").getLong("seq");
        }
        s.arrived(seq, now);
      }
    }
  }

  private Future<Void> open(Socket s) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port)
        .setURI(LiveLoad.sockJsUri()).setHeaders(MultiMap.caseInsensitiveMultiMap().add("Origin", origin))
        .setTimeout(60_000);
    return ws.connect(options).map(socket -> {
      s.ws = socket;
      socket.textMessageHandler(t -> onFrame(s, t));
      socket.exceptionHandler(e -> s.failure = String.valueOf(e));
      socket.closeHandler(v -> s.closed = true);
      return (Void) null;
    }).onFailure(e -> {
      s.failure = e.toString();
      s.closed = true;
    });
  }

  // ------------------------------------------------------------------ members

  private Future<Submitted> submit(String kind, String[] member, String path, String form, long question) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
        .putHeader("Cookie", member[0]).putHeader("X-CSRF-Token", member[1]).putHeader("Origin", origin)
        .putHeader("Content-Type", "application/x-www-form-urlencoded").putHeader("Accept", "application/json")
        .setTimeout(30_000);
    return http.request(options).compose(req -> {
      long sent = System.nanoTime();
      return req.send(Buffer.buffer(form)).compose(resp -> resp.body().map(b -> {
        long answered = System.nanoTime();
        long seq = -1;
        if (resp.statusCode() == 200) {
          seq = b.toJsonObject().getLong("seq", -1L);
        }
        return new Submitted(kind, sent, answered, resp.statusCode(), seq, question);
      }));
    }).recover(e -> Future.succeededFuture(new Submitted(kind, 0, 0, -1, -1, question)));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private Future<Submitted> message(int k) {
    String[] m = members.get(k % members.size());
    return submit("message", m, "/talks/" + slug + "/messages", "body=" + enc("Message " + k + " from the benchmark"), 0);
  }

  private Future<Submitted> vote(String[] member, long question) {
    return submit("vote", member, "/talks/" + slug + "/questions/" + question + "/vote", "up=true", question);
  }

  private List<Long> askQuestions() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < questionCount; i++) {
      String[] m = members.get(i % members.size());
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
          .setURI("/talks/" + slug + "/questions").putHeader("Cookie", m[0]).putHeader("X-CSRF-Token", m[1])
          .putHeader("Origin", origin).putHeader("Content-Type", "application/x-www-form-urlencoded")
          .putHeader("Accept", "application/json");
      String body = "body=" + enc("Benchmark question " + (i + 1) + "?");
      JsonObject answer = await(http.request(options).compose(r -> r.send(body)).compose(r -> r.body()
          .map(b -> r.statusCode() == 200 ? b.toJsonObject() : new JsonObject().put("status", r.statusCode()))), 30);
      if (answer.getLong("id") == null) {
        throw new IllegalStateException("asking a question answered " + answer);
      }
      ids.add(answer.getLong("id"));
    }
    return ids;
  }

  /** Each question's count as anyone sees it: the room's question fragment, {@code data-votes} of each item. */
  private Map<Long, Long> countsShown() throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
        .setURI("/talks/" + slug + "/room/questions");
    String html = await(http.request(options).compose(r -> r.send()).compose(r -> r.body()), 30).toString();
    Map<Long, Long> counts = new HashMap<>();
    Matcher m = Pattern.compile("id=\"question-(\\d+)\" class=\"[^\"]*\" data-votes=\"(\\d+)\"").matcher(html);
    while (m.find()) {
      counts.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }
    return counts;
  }

  // ------------------------------------------------------------------ the run

  private int run() throws Exception {
    log("asking %d questions", questionCount);
    List<Long> questions = askQuestions();

    log("opening %d participant sockets", participants);
    sockets = new Socket[participants];
    for (int i = 0; i < participants; i += batch) {
      List<Future<Void>> opening = new ArrayList<>();
      for (int j = i; j < Math.min(participants, i + batch); j++) {
        sockets[j] = new Socket(j);
        opening.add(open(sockets[j]));
      }
      await(Future.join(opening).otherwiseEmpty(), 120);
    }
    long connected = Arrays.stream(sockets).filter(s -> s.ws != null && !s.closed).count();
    log("%d sockets connected; probing until one message reaches all", connected);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean ready = false;
    int probe = 0;
    while (!ready && System.nanoTime() < deadline) {
      Submitted p = await(submit("probe", members.get(probe % members.size()), "/talks/" + slug + "/messages",
          "body=probe+" + probe, 0), 30);
      probe++;
      Thread.sleep(500);
      long seq = p.seq();
      ready = seq > 0 && Arrays.stream(sockets).allMatch(s -> s.closed || s.at(seq) != 0);
    }
    if (!ready) {
      throw new IllegalStateException("the sockets' registrations did not all take effect within 30 s");
    }

    int totalMessages = messagesPerSecond * (warmupS + durationS);
    int totalVotes = votesPerSecond * (warmupS + durationS);
    int warmMessages = messagesPerSecond * warmupS;
    int warmVotes = votesPerSecond * warmupS;
    log("%d s of warm-up, then %d s measured: %d messages/s and %d votes/s from %d members", warmupS, durationS,
        messagesPerSecond, votesPerSecond, members.size());
    List<Future<Submitted>> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger sentMessages = new AtomicInteger();
    AtomicInteger sentVotes = new AtomicInteger();
    io.vertx.core.Promise<Void> finished = io.vertx.core.Promise.promise();
    long start = System.nanoTime();
    postVertx.runOnContext(v -> postVertx.setPeriodic(5, timer -> {
      double elapsed = (System.nanoTime() - start) / 1e9;
      int messagesDue = (int) Math.min(totalMessages, Math.floor(elapsed * messagesPerSecond));
      while (sentMessages.get() < messagesDue) {
        int k = sentMessages.getAndIncrement();
        answers.add(k < warmMessages ? message(k).map(Submitted::warm) : message(k));
      }
      int votesDue = (int) Math.min(totalVotes, Math.floor(elapsed * votesPerSecond));
      while (sentVotes.get() < votesDue) {
        int k = sentVotes.getAndIncrement();
        int member = k % members.size();
        int round = k / members.size();
        // member m votes once for each of the questions m, m+1, ... (mod Q): every pair once
        Future<Submitted> voted = vote(members.get(member), questions.get((member + round) % questions.size()));
        answers.add(k < warmVotes ? voted.map(Submitted::warm) : voted);
      }
      if (sentMessages.get() >= totalMessages && sentVotes.get() >= totalVotes) {
        postVertx.cancelTimer(timer);
        finished.complete();
      }
    }));
    await(finished.future(), warmupS + durationS + 60L);
    List<Submitted> done = new ArrayList<>();
    for (Future<Submitted> f : new ArrayList<>(answers)) {
      done.add(await(f, 60));
    }
    long lastSent = done.stream().mapToLong(Submitted::sent).max().orElse(start);
    double seconds = (lastSent - start) / 1e9 - warmupS;
    log("sent in %.1f s; waiting up to 10 s for the last deliveries", seconds);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until && !allDelivered(done)) {
      Thread.sleep(200);
    }
    return report(done, questions, seconds, connected);
  }

  private boolean allDelivered(List<Submitted> done) {
    for (Submitted s : done) {
      if (s.seq() > 0) {
        for (Socket socket : sockets) {
          if (!socket.closed && socket.at(s.seq()) == 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private int report(List<Submitted> done, List<Long> questions, double seconds, long connected) throws Exception {
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    out.append("| submitted | accepted | refused | events delivered to every participant | missing deliveries | "
        + "duplicate deliveries | p50 submit→all | p99 submit→all | max | p50 answer | p99 answer |\n");
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    long totalMissing = 0;
    for (String kind : List.of("message", "vote", "all")) {
      List<Submitted> list = done.stream().filter(s -> !s.kind().startsWith("warm")
          && (kind.equals("all") || s.kind().equals(kind))).toList();
      List<Long> toAll = new ArrayList<>();
      List<Long> answer = new ArrayList<>();
      long missing = 0;
      long complete = 0;
      long refused = 0;
      for (Submitted s : list) {
        if (s.status() != 200 || s.seq() <= 0) {
          refused++;
          continue;
        }
        answer.add(s.answered() - s.sent());
        long last = 0;
        boolean all = true;
        for (Socket socket : sockets) {
          if (socket.closed) {
            continue;
          }
          long at = socket.at(s.seq());
          if (at == 0) {
            missing++;
            all = false;
          } else {
            last = Math.max(last, at);
          }
        }
        if (all) {
          complete++;
          toAll.add(last - s.sent());
        }
      }
      long[] sortedAll = toAll.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] sortedAnswer = answer.stream().mapToLong(Long::longValue).sorted().toArray();
      int duplicates = Arrays.stream(sockets).mapToInt(s -> s.duplicates.get()).sum();
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s |%n",
          kind.equals("all") ? "all (" + list.size() + ")" : kind + "s (" + list.size() + ")", list.size() - refused,
          refused, complete, missing, kind.equals("all") ? String.valueOf(duplicates) : "-",
          LiveLoad.ms(LiveLoad.pct(sortedAll, 50)), LiveLoad.ms(LiveLoad.pct(sortedAll, 99)),
          LiveLoad.ms(LiveLoad.max(sortedAll)), LiveLoad.ms(LiveLoad.pct(sortedAnswer, 50)),
          LiveLoad.ms(LiveLoad.pct(sortedAnswer, 99))));
      if (kind.equals("all")) {
        totalMissing = missing;
        ok &= refused == 0 && missing == 0 && duplicates == 0;
        if (LiveLoad.pct(sortedAll, 99) >= 250_000_000L) {
          ok = false;
        }
      }
    }
    // every vote counted exactly once
    Map<Long, Long> accepted = new ConcurrentHashMap<>();
    long sentVotes = 0;
    for (Submitted s : done) {
      if (s.kind().endsWith("vote")) {
        sentVotes++;
        if (s.status() == 200) {
          accepted.merge(s.question(), 1L, Long::sum);
        }
      }
    }
    Map<Long, Long> shown = countsShown();
    long counted = 0;
    int wrong = 0;
    for (long q : questions) {
      long expected = accepted.getOrDefault(q, 0L);
      long actual = shown.getOrDefault(q, -1L);
      counted += Math.max(0, actual);
      if (expected != actual) {
        wrong++;
      }
    }
    ok &= wrong == 0 && counted == sentVotes;
    System.out.println(out);
    StringBuilder windows = new StringBuilder("p99 submit→all per 10 s of the measured run:");
    long first = done.stream().filter(x -> !x.kind().startsWith("warm")).mapToLong(Submitted::sent).min().orElse(0);
    for (int w = 0; w * 10 < durationS; w++) {
      long from = first + w * 10_000_000_000L;
      long to = from + 10_000_000_000L;
      long[] lat = done.stream().filter(x -> !x.kind().startsWith("warm") && x.sent() >= from && x.sent() < to && x.seq() > 0)
          .mapToLong(x -> toAll(x)).filter(v -> v >= 0).sorted().toArray();
      windows.append(' ').append(LiveLoad.ms(LiveLoad.pct(lat, 99)));
    }
    System.out.println(windows + ".");
    System.out.printf(Locale.ROOT, "Participants: %d sockets connected of %d; %d members submitting; %d questions. "
            + "Sending took %.1f s.%n", connected, participants, members.size(), questions.size(), seconds);
    System.out.printf(Locale.ROOT, "Votes, warm-up included: %d sent, %d accepted, %d counted on the questions as shown (%d questions "
            + "whose count differs from the votes accepted for it): %s.%n", sentVotes,
        accepted.values().stream().mapToLong(Long::longValue).sum(), counted, wrong,
        wrong == 0 && counted == sentVotes ? "every vote counted exactly once" : "VOTES LOST OR DOUBLED");
    System.out.printf("Target: p99 submit→all under 250 ms, no lost or doubled votes, nothing missing: %s.%n",
        ok ? "met" : "NOT MET" + (totalMissing > 0 ? " (" + totalMissing + " deliveries missing)" : ""));
    return ok ? 0 : 3;
  }

  /** From sending to the last participant's receipt; -1 when some participant never got it. */
  private long toAll(Submitted s) {
    long last = 0;
    for (Socket socket : sockets) {
      if (socket.closed) {
        continue;
      }
      long at = socket.at(s.seq());
      if (at == 0) {
        return -1;
      }
      last = Math.max(last, at);
    }
    return last - s.sent();
  }

  private void close() {
    try {
      await(http.close(), 10);
      await(postVertx.close(), 10);
      await(sockVertx.close(), 30);
    } catch (Exception e) {
      log("closing: %s", e);
    }
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].substring(2), argv[i + 1]);
    }
    TalkLoad load = new TalkLoad(args);
    int status;
    try {
      status = load.run();
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
