package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.AppConfig.AddressRange;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's address, as every per-address limit and the notices' address hash use it. A request
 * whose connection comes from a trusted reverse proxy (AGORA_TRUSTED_PROXIES) is from the
 * right-most address in {@code X-Forwarded-For} that is not itself a trusted proxy: the entries to
 * its left were written by the client and may be anything. From anywhere else the header is
 * ignored, so nobody picks their own address by sending it.
 */
public final class ClientAddress implements Handler<RoutingContext> {

  private static final String KEY = "agora.clientAddress";
  private static final String VIA_PROXY = "agora.viaTrustedProxy";

  private final List<AddressRange> trusted;

  public ClientAddress(List<AddressRange> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    ctx.put(KEY, resolve(peer, ctx.request().headers().getAll("X-Forwarded-For")));
    byte[] peerBytes = AddressRange.literal(peer);
    ctx.put(VIA_PROXY, peerBytes != null && trusted(peerBytes));
    ctx.next();
  }

  /** Whether this request's connection comes from a trusted reverse proxy (whose headers may be believed). */
  public static boolean viaTrustedProxy(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(VIA_PROXY));
  }

  /** The client's address of this request: as resolved by the handler, else the connection's peer. */
  public static String of(RoutingContext ctx) {
    String resolved = ctx.get(KEY);
    if (resolved != null) {
      return resolved;
    }
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
  }

  /** The client's address from the connection's peer and the X-Forwarded-For headers, in the order received. */
  String resolve(String peer, List<String> forwarded) {
    byte[] peerBytes = AddressRange.literal(peer);
    if (peerBytes == null) {
      return peer == null ? "unknown" : peer;
    }
    String hop = text(peerBytes);
    if (!trusted(peerBytes)) {
      return hop;
    }
    List<String> entries = new ArrayList<>();
    for (String header : forwarded) {
      for (String entry : header.split(",")) {
        entries.add(entry.strip());
      }
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      byte[] bytes = AddressRange.literal(entries.get(i));
      if (bytes == null) {
        // a malformed entry: nothing to its left can be believed, the last trusted hop answers for it
        return hop;
      }
      hop = text(bytes);
      if (!trusted(bytes)) {
        return hop;
      }
    }
    return hop;
  }

  private boolean trusted(byte[] address) {
    return trusted.stream().anyMatch(r -> r.contains(address));
  }

  private static String text(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
