package eu.mhealthhub.agora.ops;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log event and line, for log collectors (AGORA_LOG_FORMAT=json): {@code time}
 * (ISO 8601, UTC), {@code level}, {@code logger}, {@code message}, then the event's key-value pairs as
 * fields of their own (a request line's {@code method}, {@code route}, {@code status},
 * {@code durationMs}, {@code requestId}, {@code member}, {@code node}), and {@code stack} when the
 * event carries an exception. Newlines inside values are escaped by the JSON encoding, so one event
 * is always one line.
 */
public final class JsonLines extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    JsonObject line = new JsonObject()
        .put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("message", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        if (!line.containsKey(kv.key)) {
          Object v = kv.value;
          line.put(kv.key, v instanceof Number || v instanceof Boolean || v == null ? v : String.valueOf(v));
        }
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.put("stack", ThrowableProxyUtil.asString(thrown));
    }
    return line.encode() + System.lineSeparator();
  }
}
