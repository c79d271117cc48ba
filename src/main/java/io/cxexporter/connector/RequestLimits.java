package io.cxexporter.connector;

import java.time.Duration;
import java.util.Objects;

/**
 * Caps on a connector's own HTTP settings, for a run that must answer within seconds ({@code
 * cx-exporter probe}): a connector's {@code max_attempts}, {@code max_wait} and timeouts are
 * lowered to these, never raised.
 *
 * @param maxAttempts at most this many attempts per request
 * @param maxWait a longer wait (a {@code Retry-After}, a rate-limit reset) fails the request
 *     instead
 * @param timeout at most this long to connect, to read, and for one whole call
 */
public record RequestLimits(int maxAttempts, Duration maxWait, Duration timeout) {
  /** What {@code probe} uses: two attempts, waits of at most 2s, 10s per request. */
  public static final RequestLimits PROBE =
      new RequestLimits(2, Duration.ofSeconds(2), Duration.ofSeconds(10));

  public RequestLimits {
    Objects.requireNonNull(maxWait, "maxWait");
    Objects.requireNonNull(timeout, "timeout");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be greater than 0: " + timeout);
    }
  }
}
