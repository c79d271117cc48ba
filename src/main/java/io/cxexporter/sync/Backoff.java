package io.cxexporter.sync;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.util.Jitter;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a failing stream waits before it tries again: exponential with full jitter for transient
 * failures, the vendor's {@code Retry-After} when it gave one, long pauses for credentials and
 * permanent errors so a bad token never becomes a retry storm.
 */
final class Backoff {
  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(5);
  static final Duration AUTH_PAUSE = Duration.ofMinutes(5);

  private final RandomGenerator random;
  private int failures;

  Backoff(RandomGenerator random) {
    this.random = random;
  }

  /** The wait after one more failure of this kind. */
  Duration next(ConnectorException.Kind kind, Duration retryAfter) {
    failures++;
    if (retryAfter != null && !retryAfter.isNegative()) {
      return retryAfter.compareTo(MAX) > 0 ? MAX : retryAfter;
    }
    if (kind == ConnectorException.Kind.AUTH || kind == ConnectorException.Kind.PERMANENT) {
      return AUTH_PAUSE;
    }
    return Jitter.exponential(BASE, MAX, failures, random);
  }

  /** A success resets the exponent. */
  void reset() {
    failures = 0;
  }

  int failures() {
    return failures;
  }
}
