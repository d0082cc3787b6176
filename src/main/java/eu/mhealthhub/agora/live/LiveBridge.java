package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.live.EventLog.NarrowingRecord;
import eu.mhealthhub.agora.live.LiveAudience.Grant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser's side of the event bus, at {@code /eventbus}: outbound only, and only to addresses
 * the socket's member may read. Nothing a browser sends reaches the server: no inbound address is
 * permitted, and every publish or send is refused. Only sockets from Agora's own origin are
 * accepted; the iframe transport, which loads its script from a public CDN, is off.
 *
 * <h2>Who receives what</h2>
 * Every register is decided by the {@link LiveAudience} for the member the socket's session named
 * when it connected. The grant remembers what it depends on (a thread's group, say). When a
 * committed change narrows who may read something ({@link Narrowing}, announced on
 * {@link ChangeFeed#NARROWED} to every node), the grants it touches are decided again, and a socket
 * that lost one is closed (the page reconnects and registers again under the new rights, and
 * catches up through {@code GET /live/events}); the member's presence there ends too.
 *
 * <h2>Fan-out</h2>
 * Events reach the bridge in commit order per address from the node's {@link LiveSequencer}, not
 * through a per-socket event-bus consumer: each is encoded once, and its frame is written to the
 * sockets registered on its address in slices of {@value #FAN_OUT_SLICE}, yielding the event loop
 * between slices, so that the requests it also serves (the post that made the event) are not
 * queued behind thousands of writes. One event fans out at a time, so every socket gets them in
 * order. Presence summaries, which carry no number, are published on the address itself: one
 * event-bus consumer per address and bridge (not per socket) writes them to its sockets.
 *
 * <h2>Sockets that stop reading</h2>
 * A socket whose write queue is full (the page stopped reading, or reads slower than it is sent)
 * may fall {@value #STALLED_BYTES} bytes or {@value #STALLED_MS} ms behind; then it is closed
 * ({@value #STALLED_CODE}) and nothing more is queued for it, so one stalled reader never makes the
 * server buffer without bound. Its page reconnects and catches up as after any drop.
 *
 * <p>Notices and events travel separately and may arrive in any order across nodes, so every event
 * carries the newest narrowing its transaction saw. An event naming a narrowing this node has not
 * applied waits until the missing ones are fetched from the log and their re-checks are done.
 * Deliveries to one socket keep their order: each waits for the one before.
 *
 * <p>One instance per HTTP verticle: its sockets, notices and database answers all run on that
 * verticle's event loop, so its state needs no locks.
 */
public final class LiveBridge {

  private static final Logger LOG = LoggerFactory.getLogger(LiveBridge.class);
  private static final int CATCH_UP_BATCH = 1000;
  /**
   * Sockets written to before the fan-out of an event yields the event loop: the next slice runs in the
   * loop's next turn, after it has read its channels, so a request on this loop (the post that made the
   * event, waiting for its database answers) waits for one slice, not for the whole fan-out. (Stop 15
   * measured this yield seconds slower, on a machine at load 10-40; quiet A B runs at stop 16 halved the
   * posting request's median at 5,000 sockets: LIVE.md.)
   */
  private static final int FAN_OUT_SLICE = 256;
  private static final long GRANT_REUSE_MS = 5_000;
  private static final int GRANT_REUSE_MAX = 10_000;
  /** A socket that sent no frame (pages ping every 20 s) for this long is closed, as Vert.x's bridge did. */
  private static final long PING_TIMEOUT_MS = 60_000;
  /** Addresses one socket may hold at once (Vert.x's bridge allowed as many). */
  private static final int MAX_ADDRESSES_PER_SOCKET = 1000;
  /**
   * Bytes a socket whose write queue is full may still be given before it is closed as stalled, and
   * how long its queue may stay full: a page that stops reading costs the server at most this beyond
   * Netty's own high-water mark (64 KB), instead of every event sent to it since.
   */
  static final int STALLED_BYTES = 256 * 1024;
  static final long STALLED_MS = 30_000;
  /** The close code of a stalled socket (as 4001 for lost access): the page reconnects and catches up. */
  static final short STALLED_CODE = 4008;

  /**
   * One page's connection: a plain WebSocket at {@code /eventbus/websocket} (what pages open first,
   * upgraded here, so that nothing of the upgrade request is kept for the socket's life), or a
   * SockJS session (their fallback).
   */
  private interface Connection {
    void write(Buffer frame);

    /** An event's frame, encoded once for every socket it goes to. */
    default void write(Encoded frame) {
      write(frame.payload());
    }

    boolean writeQueueFull();

    void close(short code, String reason);

    Session session();
  }

  /**
   * A plain WebSocket. Its frames are written to its Netty channel as bytes already framed (a
   * binary frame, unmasked, as a server sends it): an event's frame is built once and shared by every
   * socket (each write retains a view of the same direct buffer), instead of Vert.x building a frame
   * object, a promise and a copy of the payload per socket. Every data frame of the socket goes this
   * way (events, presence, errors), so that nothing waits in Vert.x's own write queue while later
   * frames overtake it; only the close frame goes through Vert.x, after them.
   */
  private record Plain(ServerWebSocket ws, io.netty.channel.ChannelHandlerContext encoder, Session session)
      implements Connection {
    @Override
    public void write(Buffer frame) {
      io.netty.buffer.ByteBuf wire = Encoded.frame(frame);
      try {
        write(wire);
      } finally {
        wire.release();
      }
    }

    @Override
    public void write(Encoded frame) {
      write(frame.wire());
    }

    private void write(io.netty.buffer.ByteBuf wire) {
      if (!encoder.isRemoved() && encoder.channel().isActive()) {
        encoder.writeAndFlush(wire.retainedDuplicate(), encoder.voidPromise());
      }
    }

    @Override
    public boolean writeQueueFull() {
      return !encoder.channel().isWritable();
    }

    @Override
    public void close(short code, String reason) {
      ws.close(code, reason);
    }
  }

  /**
   * An event's frame: its JSON for SockJS sessions, and the whole WebSocket frame for plain sockets,
   * built once per event (on first use) in a direct buffer that every plain socket's write shares.
   * {@link #release()} once the fan-out is done; a delivery that waits holds its own reference.
   */
  static final class Encoded {
    private final Buffer payload;
    private io.netty.buffer.ByteBuf wire;

    Encoded(Buffer payload) {
      this.payload = payload;
    }

    Buffer payload() {
      return payload;
    }

    io.netty.buffer.ByteBuf wire() {
      if (wire == null) {
        wire = frame(payload);
      }
      return wire;
    }

    /** Holds the frame for a delivery that waits (a re-check of its socket's grants is running). */
    Encoded retain() {
      wire().retain();
      return this;
    }

    void release() {
      if (wire != null) {
        wire.release();
      }
    }

    /** A final binary frame carrying {@code payload}, as RFC 6455 frames it from a server (no mask). */
    static io.netty.buffer.ByteBuf frame(Buffer payload) {
      byte[] bytes = payload.getBytes();
      int n = bytes.length;
      io.netty.buffer.ByteBuf wire = io.netty.buffer.Unpooled.directBuffer((n < 126 ? 2 : n < 65_536 ? 4 : 10) + n);
      wire.writeByte(0x82); // FIN, binary
      if (n < 126) {
        wire.writeByte(n);
      } else if (n < 65_536) {
        wire.writeByte(126).writeShort(n);
      } else {
        wire.writeByte(127).writeLong(n);
      }
      return wire.writeBytes(bytes);
    }
  }

  /** A plain WebSocket whose channel is not at hand: written through Vert.x, a frame object per socket. */
  private record Vertxs(ServerWebSocket ws, Session session) implements Connection {
    @Override
    public void write(Buffer frame) {
      ws.writeBinaryMessage(frame);
    }

    @Override
    public boolean writeQueueFull() {
      return ws.writeQueueFull();
    }

    @Override
    public void close(short code, String reason) {
      ws.close(code, reason);
    }
  }

  private record SockJs(SockJSSocket socket) implements Connection {
    @Override
    public void write(Buffer frame) {
      socket.write(frame);
    }

    @Override
    public boolean writeQueueFull() {
      return socket.writeQueueFull();
    }

    @Override
    public void close(short code, String reason) {
      socket.close(code, reason);
    }

    @Override
    public Session session() {
      return socket.webSession();
    }
  }

  /** What this node knows of one open socket. */
  private static final class SocketState {
    final Connection socket;
    final Long member;
    /** By the address as written, so that a delivery costs one lookup and no parsing. */
    final Map<String, Grant> grants = new HashMap<>();
    /** The last delivery decided for this socket: the next waits for it, so order is kept. */
    Future<Boolean> lastDelivery = Future.succeededFuture(true);
    /** Re-checks of this socket's grants that are not finished. */
    Future<Void> rechecks = Future.succeededFuture();
    boolean closing;
    /** When the socket last sent a frame, for the ping timeout. */
    long lastFrame = System.currentTimeMillis();
    /** Since when its write queue has been full (0: it is not), and the bytes written since. */
    long fullSince;
    long behind;
    /** Registrations this socket may still make (AGORA_RATE_LIMITS bridge). */
    final eu.mhealthhub.agora.limits.LocalBucket registrations;
    /** Frames of any kind this socket may still send (AGORA_RATE_LIMITS frame). */
    final eu.mhealthhub.agora.limits.LocalBucket frames;

    SocketState(Connection socket, Long member, eu.mhealthhub.agora.limits.LocalBucket registrations,
        eu.mhealthhub.agora.limits.LocalBucket frames) {
      this.registrations = registrations;
      this.frames = frames;
      this.socket = socket;
      this.member = member;
    }
  }

  private final Vertx vertx;
  private final eu.mhealthhub.agora.limits.RateLimits limits;
  private final Pool pool;
  private final EventLog log;
  private final LiveAudience audience;
  private final Presence presence;
  private final String origin;
  private final java.util.Set<SocketState> sockets = new java.util.HashSet<>();
  /** The sockets registered on each address, for the fan-out. */
  private final Map<String, java.util.Set<SocketState>> subscribers = new HashMap<>();
  /**
   * One event-bus consumer per address with sockets here, for what is published on the address
   * itself (presence summaries): not one per socket, as Vert.x's bridge registers.
   */
  private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
  /** Events in commit order whose fan-out has not started: one fans out at a time. */
  private final java.util.ArrayDeque<JsonObject> fanOuts = new java.util.ArrayDeque<>();
  private boolean fanning;
  /**
   * Recent grants by address and member, with the narrowing they were decided under: a page that
   * registers an address many others just registered (a popular thread after a deploy, say) reuses
   * their decision instead of one more database round trip, while no narrowing came in between and
   * for at most {@value #GRANT_REUSE_MS} ms. Decisions still running are shared too. Refusals are
   * never reused (access may have widened since).
   */
  private final Map<String, Decision> decisions = new HashMap<>();

  private record Decision(Future<Grant> grant, long epoch, long at) {}
  private io.vertx.core.Context context;
  /** Every narrowing up to this number has been applied to this instance's grants. */
  private long applied = -1;
  private Future<Void> ready;
  /** Fetching narrowings this instance has not seen yet, while one is running. */
  private Future<Void> catchingUp;
  private final LiveStats stats;

  public LiveBridge(Vertx vertx, Pool pool, EventLog log, LiveAudience audience, Presence presence, String origin,
      eu.mhealthhub.agora.limits.RateLimits limits) {
    this(vertx, pool, log, audience, presence, origin, limits, new LiveStats());
  }

  /** As above, counting what it does in {@code stats} (the node's, from {@link ChangeFeed#stats()}). */
  public LiveBridge(Vertx vertx, Pool pool, EventLog log, LiveAudience audience, Presence presence, String origin,
      eu.mhealthhub.agora.limits.RateLimits limits, LiveStats stats) {
    this.stats = stats;
    this.limits = limits;
    this.vertx = vertx;
    this.pool = pool;
    this.log = log;
    this.audience = audience;
    this.presence = presence;
    this.origin = origin;
  }

  public void mount(Router router) {
    context = vertx.getOrCreateContext();
    vertx.eventBus().<JsonObject>localConsumer(LiveSequencer.ORDERED, message -> ordered(message.body()));
    ready();
    vertx.eventBus().<Long>consumer(ChangeFeed.ACCESS_CHANGED, message -> closeAll(message.body()));
    vertx.eventBus().<JsonObject>consumer(ChangeFeed.NARROWED,
        message -> ready().onSuccess(v -> catchUp(message.body().getLong("epoch"), ChangeFeed.notice(message.body()))));
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setOrigin(origin)
        .setRegisterWriteHandler(false)
        .setHeartbeatInterval(25_000)
        // pages use WebSocket, then XHR streaming or polling; the rest only widen what is exposed
        .addDisabledTransport(Transport.JSON_P.name())
        .addDisabledTransport(Transport.HTML_FILE.name())
        .addDisabledTransport(Transport.EVENT_SOURCE.name());
    // one timer per bridge for the ping timeout, not one per socket
    vertx.setPeriodic(PING_TIMEOUT_MS / 4, id -> closeSilent(System.currentTimeMillis()));
    router.route("/eventbus/*").handler(this::checkOrigin);
    router.get("/eventbus/info").handler(this::info);
    // SockJS serves its iframe page whatever transports are disabled, and that page loads the client
    // script from a public CDN: it is never served
    router.routeWithRegex("/eventbus/iframe[^/]*\\.html").handler(ctx -> ctx.fail(404));
    router.get("/eventbus/websocket").handler(this::plain);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(this::opened));
  }

  /**
   * Refuses foreign pages with a clean 403 before SockJS would fail the request with its own error.
   * Browsers name the origin of every WebSocket upgrade and every POST (the XHR transports), so one
   * without it is not a page of ours either; a same-origin GET (the info probe) carries none.
   */
  private void checkOrigin(io.vertx.ext.web.RoutingContext ctx) {
    String requestOrigin = ctx.request().getHeader("Origin");
    boolean named = "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))
        || ctx.request().method() == io.vertx.core.http.HttpMethod.POST;
    if (requestOrigin == null ? named : !requestOrigin.equals(origin)) {
      ctx.fail(403);
    } else {
      ctx.next();
    }
  }

  /**
   * SockJS's info probe, answered here because the library's own advertises every origin
   * ({@code "*:*"}): ours names the one origin the bridge accepts.
   */
  private void info(io.vertx.ext.web.RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8")
        .putHeader("Cache-Control", "no-store, no-cache, no-transform, must-revalidate, max-age=0")
        .end(new JsonObject().put("websocket", true).put("cookie_needed", false)
            .put("origins", new io.vertx.core.json.JsonArray().add(origin))
            .put("entropy", java.util.concurrent.ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE).encode());
  }

  /**
   * A socket SockJS accepted (its origin checked above): this class speaks the event-bus bridge's
   * protocol itself (Vert.x's {@code vertx-eventbus.js} frames: register, unregister, ping; answers
   * {@code rec} and {@code err}), so that a socket costs its state here and nothing more: no
   * event-bus consumer and no ping timer per socket.
   */
  private void opened(SockJSSocket socket) {
    SocketState state = opened(new SockJs(socket));
    socket.handler(data -> frame(state, data));
    socket.closeHandler(v -> closed(state));
    socket.exceptionHandler(e -> LOG.debug("bridge socket failed: {}", e.getMessage()));
    socket.drainHandler(v -> drained(state));
  }

  /**
   * The plain WebSocket endpoint, as SockJS's raw transport served it (binary frames out, text or
   * binary in), upgraded here: SockJS kept the upgrade request's routing context, request, response
   * and headers for every socket's life.
   */
  private void plain(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      ctx.response().setStatusCode(400).end("Can \"Upgrade\" only to \"WebSocket\".");
      return;
    }
    Session session = ctx.session();
    // the connection's Netty channel, which the WebSocket keeps (HTTP/1.1; anything else writes through Vert.x)
    io.netty.channel.Channel channel = ctx.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase c
        ? c.channel() : null;
    ctx.request().toWebSocket()
        .onSuccess(ws -> {
          // written from the frame encoder's place in the pipeline: what follows it towards the network (TLS, the
          // idle timer) sees every frame, what precedes it (Vert.x's handler, the chunked writer) is skipped
          io.netty.channel.ChannelHandlerContext encoder = channel == null ? null : channel.pipeline().context("wsencoder");
          if (channel != null) {
            releaseUpgrade(channel);
          }
          SocketState state = opened(encoder == null ? new Vertxs(ws, session) : new Plain(ws, encoder, session));
          ws.binaryMessageHandler(data -> frame(state, data));
          ws.textMessageHandler(text -> frame(state, Buffer.buffer(text)));
          ws.closeHandler(v -> closed(state));
          ws.exceptionHandler(e -> LOG.debug("bridge socket failed: {}", e.getMessage()));
          ws.drainHandler(v -> drained(state)); // (Plain's writes bypass Vert.x's queue: write() sees them drain)
        })
        .onFailure(ctx::fail);
  }

  /**
   * Vert.x's handler of an upgraded WebSocket keeps the function that created its connection, and
   * with it the HTTP connection the upgrade came through: its request, response and headers, the
   * routing context, and the request's inbound queue (a 1,024-slot JCTools chunk), about 5 KB of heap
   * for each socket's whole life (25 MB at 5,000 idle sockets; measured with BENCH_LIVE_HISTOGRAM=1
   * in bench/live.sh). The function is used once, when the handler is added to the pipeline, which
   * has happened by the time the WebSocket exists: it is cleared here. Vert.x 5.0.7 offers no public
   * way to drop it; should its fields change, nothing is cleared and nothing else changes.
   */
  private static void releaseUpgrade(io.netty.channel.Channel channel) {
    if (UPGRADE_FACTORY == null) {
      return;
    }
    io.netty.channel.ChannelHandlerContext handler = channel.pipeline().context("handler");
    if (handler != null && handler.handler() instanceof io.vertx.core.net.impl.VertxHandler<?> vertxHandler) {
      try {
        UPGRADE_FACTORY.set(vertxHandler, null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("could not release a WebSocket's upgrade connection: {}", e.toString());
      }
    }
  }

  /** {@code VertxHandler.connectionFactory}, or null when this Vert.x has no such field. */
  private static final java.lang.reflect.Field UPGRADE_FACTORY = upgradeFactory();

  private static java.lang.reflect.Field upgradeFactory() {
    try {
      java.lang.reflect.Field field = io.vertx.core.net.impl.VertxHandler.class.getDeclaredField("connectionFactory");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("WebSockets keep their upgrade request for their whole life here (Vert.x changed): {}", e.toString());
      return null;
    }
  }

  /**
   * The newest narrowing when this bridge started, read once; asked again after a failure. (Read
   * only once, a failure at start, a pool timeout on a loaded machine, made this bridge refuse every
   * registration for the process's life: half the sockets of one benchmark run got only {@code err}.)
   */
  private Future<Void> ready() {
    if (ready == null || ready.failed()) {
      if (ready != null) {
        LOG.warn("the live bridge could not read the newest access change at start ({}); asking again",
            ready.cause().getMessage());
      }
      ready = log.epochs(pool).map(e -> {
        applied = Math.max(applied, e.newest());
        return (Void) null;
      });
    }
    return ready;
  }

  private SocketState opened(Connection connection) {
    SocketState state = new SocketState(connection, memberId(connection.session()),
        limits.localBucket("bridge"), limits.localBucket("frame"));
    sockets.add(state);
    stats.socketOpened();
    return state;
  }

  /** The write queue drained: the socket reads again, and counts as behind no more. */
  private static void drained(SocketState state) {
    state.fullSince = 0;
    state.behind = 0;
  }

  private void closed(SocketState state) {
    if (!sockets.remove(state)) {
      return;
    }
    stats.socketClosed();
    state.closing = true;
    state.grants.keySet().forEach(a -> unsubscribe(state, a));
  }

  /** Closes the sockets that sent nothing, not even a ping, for {@value #PING_TIMEOUT_MS} ms. */
  private void closeSilent(long now) {
    sockets.stream().filter(s -> !s.closing && now - s.lastFrame >= PING_TIMEOUT_MS).toList()
        .forEach(s -> {
          s.closing = true;
          s.socket.close((short) 1000, "no ping");
        });
  }

  /**
   * One frame from a browser: register, unregister or ping. Nothing a browser sends reaches the
   * event bus: send and publish are refused. Every frame takes a token of the socket's
   * {@code frame} bucket; a socket that sends faster than a page ever does is a script, and is
   * closed rather than answered frame by frame.
   */
  private void frame(SocketState state, Buffer data) {
    if (state.closing) {
      return;
    }
    long now = System.currentTimeMillis();
    state.lastFrame = now;
    if (!state.frames.tryTake(now)) {
      LOG.debug("a bridge socket sent frames over the limit: closed");
      state.closing = true;
      state.socket.close((short) 4029, "too many frames");
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(data);
    } catch (RuntimeException e) {
      error(state, "invalid_json");
      return;
    }
    Object type = message.getValue("type");
    if (type == null) {
      error(state, "missing_type");
      return;
    }
    if ("ping".equals(type)) {
      Session session = state.socket.session();
      if (session != null) {
        session.setAccessed();
      }
      return;
    }
    Object address = message.getValue("address");
    if (!(address instanceof String text)) {
      error(state, "missing_address");
      return;
    }
    switch (type.toString()) {
      case "register" -> register(state, text);
      case "unregister" -> {
        if (state.grants.remove(text) != null) {
          unsubscribe(state, text);
        }
      }
      // browsers never talk to the server over the bridge
      case "send", "publish" -> error(state, "rejected");
      default -> error(state, "invalid_type");
    }
  }

  private void error(SocketState state, String why) {
    state.socket.write(Buffer.buffer(new JsonObject().put("type", "err").put("body", why).encode()));
  }

  private void register(SocketState state, String text) {
    var address = LiveAddress.parse(text);
    if (address.isEmpty()) {
      error(state, "access_denied"); // not an address a browser may register at all
      return;
    }
    if (state.grants.size() >= MAX_ADDRESSES_PER_SOCKET) {
      error(state, "max_handlers_reached");
      return;
    }
    if (!state.registrations.tryTake(System.currentTimeMillis())) {
      // a page registers a handful of addresses; a socket registering without end is a script
      LOG.debug("registration over the limit refused on a bridge socket");
      error(state, "rejected");
      return;
    }
    ready().compose(v -> admit(state, address.get()))
        .onSuccess(grant -> {
          String key = grant.address().toString();
          if (!state.closing && state.grants.put(key, grant) == null) {
            subscribe(state, key);
          }
        })
        .onFailure(e -> {
          if (!state.closing) {
            error(state, "rejected");
          }
        });
  }

  private void subscribe(SocketState state, String address) {
    subscribers.computeIfAbsent(address, a -> {
      consumers.put(a, vertx.eventBus().consumer(a, message -> published(a, message.body())));
      return new java.util.HashSet<>();
    }).add(state);
  }

  /**
   * What was published on an address itself (a presence summary, without a number): encoded once
   * and written to the sockets registered on it here.
   */
  private void published(String address, Object body) {
    java.util.Set<SocketState> set = subscribers.get(address);
    if (set == null || set.isEmpty()) {
      return;
    }
    Encoded frame = new Encoded(Buffer.buffer(new JsonObject().put("type", "rec").put("address", address)
        .put("body", body).encode()));
    for (SocketState state : set.toArray(SocketState[]::new)) {
      deliver(state, address, frame);
    }
    frame.release();
  }

  /**
   * Decides a grant. A narrowing applied while the decision was being made did not see this grant,
   * and the decision may predate it: decide again until none came in between.
   */
  private Future<Grant> admit(SocketState state, LiveAddress address) {
    long before = applied;
    return decide(address, state.member)
        .compose(grant -> applied == before ? Future.succeededFuture(grant) : admit(state, address));
  }

  /** The audience's decision, or a recent one for the same address and member under the same narrowings. */
  private Future<Grant> decide(LiveAddress address, Long member) {
    String key = address + "|" + member;
    long now = System.currentTimeMillis();
    Decision recent = decisions.get(key);
    if (recent != null && recent.epoch() == applied && now - recent.at() < GRANT_REUSE_MS && !recent.grant().failed()) {
      return recent.grant();
    }
    if (decisions.size() >= GRANT_REUSE_MAX) {
      decisions.values().removeIf(d -> d.epoch() != applied || now - d.at() >= GRANT_REUSE_MS || d.grant().failed());
    }
    Decision decision = new Decision(audience.admit(address, member), applied, now);
    if (decisions.size() < GRANT_REUSE_MAX) {
      decisions.put(key, decision);
      decision.grant().onFailure(e -> decisions.remove(key, decision));
    }
    return decision.grant();
  }

  private void unsubscribe(SocketState state, String address) {
    java.util.Set<SocketState> set = subscribers.get(address);
    if (set != null && set.remove(state) && set.isEmpty()) {
      subscribers.remove(address);
      MessageConsumer<Object> consumer = consumers.remove(address);
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }

  /**
   * An event, in commit order ({@link LiveSequencer}), for the sockets registered on its address.
   * Its frame is encoded once and written to each socket in slices, so that requests on this event
   * loop (a post being answered, say) run between slices instead of after the whole fan-out.
   */
  private void ordered(JsonObject announced) {
    fanOuts.add(announced);
    if (!fanning) {
      nextFanOut();
    }
  }

  private void nextFanOut() {
    fanning = true;
    JsonObject announced;
    java.util.Set<SocketState> set = null;
    while ((announced = fanOuts.poll()) != null) {
      set = subscribers.get(announced.getString("address"));
      if (set != null && !set.isEmpty()) {
        break;
      }
    }
    if (announced == null) {
      fanning = false;
      return;
    }
    String address = announced.getString("address");
    JsonObject body = announced.getJsonObject("body");
    long epoch = body.getLong("epoch", 0L);
    SocketState[] targets = set.toArray(SocketState[]::new);
    Encoded frame = new Encoded(Buffer.buffer(new JsonObject().put("type", "rec")
        .put("address", address).put("body", body).encode()));
    // a narrowing this node has not applied yet is applied first, once for the whole fan-out
    Future<Void> narrowed = epoch > applied
        ? ready().compose(v -> catchUp(epoch, null)).recover(e -> Future.succeededFuture())
        : Future.succeededFuture();
    narrowed.onComplete(x -> slice(address, frame, targets, 0));
  }

  private void slice(String address, Encoded frame, SocketState[] targets, int from) {
    int to = Math.min(targets.length, from + FAN_OUT_SLICE);
    for (int i = from; i < to; i++) {
      deliver(targets[i], address, frame);
    }
    if (to < targets.length) {
      // the next slice in the loop's next turn, after it has read its channels (a posting request's database
      // answers among them): runOnContext would run it in this turn, before any I/O (Netty runs the tasks queued
      // during its task run in the same turn). A task due now does not make the loop wait: it selects without
      // blocking while one is due.
      ((io.vertx.core.internal.ContextInternal) context).nettyEventLoop()
          .schedule(() -> context.runOnContext(v -> slice(address, frame, targets, to)), 0, java.util.concurrent.TimeUnit.NANOSECONDS);
    } else {
      frame.release();
      nextFanOut();
    }
  }

  private void deliver(SocketState state, String address, Encoded frame) {
    if (state.lastDelivery.isComplete() && state.rechecks.isComplete()) {
      write(state, address, frame);
      return;
    }
    // a re-check of this socket's grants (or an earlier frame waiting for one) is not finished
    Future<Boolean> decision = state.lastDelivery.transform(x -> state.rechecks)
        .transform(x -> Future.succeededFuture(mayDeliver(state, address)));
    state.lastDelivery = decision;
    Encoded held = frame.retain();
    decision.onComplete(allowed -> {
      write(state, address, held);
      held.release();
    });
  }

  private void write(SocketState state, String address, Encoded frame) {
    if (!mayDeliver(state, address)) {
      return;
    }
    if (!state.socket.writeQueueFull()) {
      drained(state);
    } else {
      // the page does not read what it is sent (or not as fast): bounded, then closed
      long now = System.currentTimeMillis();
      if (state.fullSince == 0) {
        state.fullSince = now;
      }
      state.behind += frame.payload().length();
      if (state.behind > STALLED_BYTES || now - state.fullSince > STALLED_MS) {
        stalled(state);
        return;
      }
    }
    stats.countDelivered();
    state.socket.write(frame);
  }

  /**
   * Closes a socket that stopped reading: nothing more is queued for it, and the page, once it reads
   * again, reconnects and catches up through {@code GET /live/events} as after any drop.
   */
  private void stalled(SocketState state) {
    LOG.debug("a bridge socket stopped reading ({} bytes behind): closed", state.behind);
    stats.countStalled();
    state.closing = true;
    List.copyOf(state.grants.keySet()).forEach(a -> unsubscribe(state, a));
    state.socket.close(STALLED_CODE, "too slow");
  }

  private static boolean mayDeliver(SocketState state, String address) {
    return !state.closing && state.grants.containsKey(address);
  }

  /**
   * Applies every narrowing up to {@code epoch}: {@code known} when it is the next one, otherwise
   * after fetching the missing ones from the log. One fetch runs at a time; callers that need a
   * newer one wait for it and go again.
   */
  private Future<Void> catchUp(long epoch, NarrowingRecord known) {
    if (epoch <= applied) {
      return Future.succeededFuture();
    }
    if (known != null && known.epoch() == applied + 1) {
      apply(known);
      return Future.succeededFuture();
    }
    if (catchingUp != null) {
      return catchingUp.transform(x -> catchUp(epoch, known));
    }
    long from = applied;
    catchingUp = log.epochs(pool).compose(epochs -> {
      if (epochs.oldest() > from + 1) {
        // narrowings this instance missed were pruned: every grant is decided again
        LOG.info("narrowings {} to {} are no longer kept; re-checking every live subscription", from + 1, epochs.oldest() - 1);
        sockets.forEach(s -> recheck(s, g -> true));
        applied = epochs.oldest() - 1;
      }
      return log.narrowingsAfter(pool, applied, CATCH_UP_BATCH);
    }).map(records -> {
      records.forEach(this::apply);
      return (Void) null;
    }).eventually(() -> {
      catchingUp = null;
      return Future.succeededFuture();
    });
    return catchingUp.transform(x -> {
      if (x.failed()) {
        LOG.warn("could not fetch access changes after {}: {}", from, x.cause().getMessage());
        return Future.failedFuture(x.cause());
      }
      return applied > from ? catchUp(epoch, known) : Future.succeededFuture();
    });
  }

  private void apply(NarrowingRecord record) {
    if (record.epoch() != applied + 1) {
      return;
    }
    applied = record.epoch();
    Narrowing n = record.narrowing();
    sockets.forEach(state -> recheck(state, g -> n.touches(state.member, g.scopes())));
  }

  /** Decides again the socket's grants that match; a socket that lost one is closed. */
  private void recheck(SocketState state, java.util.function.Predicate<Grant> touched) {
    List<Grant> grants = state.grants.values().stream().filter(touched).toList();
    if (grants.isEmpty() || state.closing) {
      return;
    }
    Future<Void> previous = state.rechecks;
    state.rechecks = previous.transform(x -> Future.join(grants.stream()
            .map(g -> audience.admit(g.address(), state.member)
                .map(fresh -> {
                  state.grants.put(fresh.address().toString(), fresh);
                  return true;
                })
                // refused, or the database could not say: never deliver on a grant that may be gone
                .recover(e -> {
                  lost(state, g.address());
                  return Future.succeededFuture(false);
                }))
            .toList()))
        .mapEmpty();
  }

  private void lost(SocketState state, LiveAddress address) {
    if (state.grants.remove(address.toString()) != null) {
      unsubscribe(state, address.toString());
    }
    if (state.member != null) {
      presence.leave(address, state.member);
    }
    if (!state.closing) {
      state.closing = true;
      state.socket.close((short) 4001, "access changed");
    }
  }

  private void closeAll(Long member) {
    sockets.forEach(state -> {
      if (member.equals(state.member) && !state.closing) {
        state.closing = true;
        state.socket.close((short) 4001, "access changed");
      }
    });
  }

  private static Long memberId(Session session) {
    return session == null ? null : session.get(eu.mhealthhub.agora.web.SessionKeys.MEMBER_ID);
  }
}
