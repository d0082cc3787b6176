package eu.mhealthhub.agora;

import java.util.ArrayList;
import java.util.List;

/** Reading a failure's cause chain, to say at start which outside thing failed. */
public final class Failures {

  private Failures() {}

  /** Every class name and message of the chain, outermost first, in one line. */
  public static String chain(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 20; t = t.getCause() == t ? null : t.getCause()) {
      parts.add(t.getClass().getName() + ": " + t.getMessage());
    }
    return String.join(" <- ", parts);
  }

  /** True when the chain holds a failure of this type. */
  public static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message of the chain: usually the one that names the real cause. */
  public static String root(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
