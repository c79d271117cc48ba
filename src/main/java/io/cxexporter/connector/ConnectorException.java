package io.cxexporter.connector;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A page could not be read. The {@link Kind} tells the sync loop what to do; the message must never
 * contain credentials.
 */
public final class ConnectorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, which decides what the sync loop does next. */
  public enum Kind {
    /** 401/403: credentials rejected; back off long, mark the source unauthorized. */
    AUTH,
    /** 429 or a vendor quota: wait {@link #retryAfter()} (or back off), then retry. */
    RATE_LIMITED,
    /** 5xx, timeout, connection error: retry with backoff. */
    TRANSIENT,
    /** Garbage or truncated body: the page is not applied and is retried with backoff. */
    BAD_RESPONSE,
    /** A request the vendor will never accept (400/404, bad config): back off long. */
    PERMANENT,
    /**
     * An optional feature of the account or plan is not there (Zendesk's SLA policies on a plan
     * without SLAs). A stream or lookup that can do without it treats it as empty; when one reaches
     * the sync loop, it backs off long like {@link #PERMANENT}, without marking the source
     * unauthorized.
     */
    FEATURE_UNAVAILABLE
  }

  private final Kind kind;
  private final Duration retryAfter;

  public ConnectorException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public ConnectorException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** How long the vendor asked us to wait, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
