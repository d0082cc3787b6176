package eu.mhealthhub.agora.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.AbstractSession;
import io.vertx.ext.web.sstore.SessionStore;

/**
 * A session store that never stores a new session holding nothing. Vert.x creates a fresh session
 * for every request whose cookie names no stored session (a stale or made-up cookie) and stores it
 * once the request has looked at it; without this, a stream of such requests would fill the
 * cluster's session map. {@link PostgresSessionStore} applies the same rule itself.
 */
public final class NonEmptySessions implements SessionStore {

  private final SessionStore delegate;

  public NonEmptySessions(SessionStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public Future<Void> put(Session session) {
    if (session.isEmpty() && !session.isRegenerated() && session instanceof AbstractSession s && s.version() == 0) {
      return Future.succeededFuture();
    }
    return delegate.put(session);
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    delegate.init(vertx, options);
    return this;
  }

  @Override
  public long retryTimeout() {
    return delegate.retryTimeout();
  }

  @Override
  public Session createSession(long timeout) {
    return delegate.createSession(timeout);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return delegate.createSession(timeout, length);
  }

  @Override
  public Future<Session> get(String id) {
    return delegate.get(id);
  }

  @Override
  public Future<Void> delete(String id) {
    return delegate.delete(id);
  }

  @Override
  public Future<Void> clear() {
    return delegate.clear();
  }

  @Override
  public Future<Integer> size() {
    return delegate.size();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
