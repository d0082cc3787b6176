package eu.mhealthhub.agora;

/**
 * A refusal with a meaning the web layer maps to one HTTP status and a localised message. Services
 * and repositories fail their Futures with these; anything else is an unexpected 500.
 */
public final class DomainException extends RuntimeException {

  /** What went wrong, and the HTTP status it becomes. */
  public enum Kind {
    BAD_REQUEST(400), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), TOO_LARGE(413), UNPROCESSABLE(422), TOO_MANY(429),
    /**
     * Something Agora depends on (the database, the identity provider) could not answer in time:
     * nothing was done, and asking again later may work. Answered with Retry-After.
     */
    UNAVAILABLE(503);

    public final int status;

    Kind(int status) {
      this.status = status;
    }
  }

  private final Kind kind;
  private final String messageKey;
  private final transient Object[] args;
  private final int retryAfterSeconds;

  public DomainException(Kind kind, String messageKey, Object... args) {
    this(kind, 0, messageKey, args);
  }

  private DomainException(Kind kind, int retryAfterSeconds, String messageKey, Object... args) {
    super(kind + ": " + messageKey, null, false, false);
    this.kind = kind;
    this.messageKey = messageKey;
    this.args = args.clone();
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A rate limit refused: 429, and the client is told (Retry-After) when asking again will work. */
  public static DomainException tooMany(int retryAfterSeconds, String messageKey, Object... args) {
    return new DomainException(Kind.TOO_MANY, Math.max(1, retryAfterSeconds), messageKey, args);
  }

  public static DomainException notFound() {
    return new DomainException(Kind.NOT_FOUND, "error.404.text");
  }

  public static DomainException forbidden() {
    return new DomainException(Kind.FORBIDDEN, "error.403.text");
  }

  public static DomainException unavailable() {
    return new DomainException(Kind.UNAVAILABLE, "error.503.text");
  }

  public static DomainException badRequest(String messageKey, Object... args) {
    return new DomainException(Kind.BAD_REQUEST, messageKey, args);
  }

  public Kind kind() {
    return kind;
  }

  public String messageKey() {
    return messageKey;
  }

  /** Seconds after which the same request may succeed, or 0 when nobody knows. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public Object[] args() {
    return args.clone();
  }
}
