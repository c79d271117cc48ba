package io.cxexporter.alerting.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * A notification the receiver did not accept. {@link #retryable()} tells the {@link Dispatcher}
 * whether trying again can help (5xx, 429, timeouts, connection errors) or not (other 4xx). The
 * message names the notifier and the status only, never a URL, routing key or token.
 */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;
  private final transient Duration retryAfter;

  /** A failure without a {@code Retry-After}. */
  public DeliveryException(boolean retryable, String message) {
    this(retryable, message, null);
  }

  /**
   * A failure, with the wait the receiver asked for.
   *
   * @param retryAfter the receiver's {@code Retry-After}, or null
   */
  public DeliveryException(boolean retryable, String message, Duration retryAfter) {
    super(message);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  /** True when the same request may succeed later. */
  public boolean retryable() {
    return retryable;
  }

  /** The wait the receiver asked for ({@code Retry-After} on 429/503), if any. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
