package eu.mhealthhub.agora.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The small row helpers every repository shares: one row or none, all rows, a timestamp column. */
public final class Rows {

  private Rows() {}

  /** The first row mapped, or empty when there is none. */
  public static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> mapper) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(mapper.apply(rows.iterator().next()));
  }

  /** Every row mapped, in order. */
  public static <T> List<T> list(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(r -> list.add(mapper.apply(r)));
    return list;
  }

  /** Every row of a template's mapped result, in order. */
  public static <T> List<T> list(RowSet<T> rows) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return list;
  }

  /** A {@code timestamptz} column as an instant, null when the column is null. */
  public static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
