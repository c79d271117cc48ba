package io.cxexporter.sync;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.util.Jitter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * How long a failing stream waits before it tries again: exponential with full jitter for transient
 * failures, the vendor's {@code Retry-After} when it gave one, long pauses ({@link #AUTH_PAUSE})
 * for credentials, permanent errors and a feature the account does not have, so a bad token or a
 * missing plan feature never becomes a retry storm. (Only AUTH marks the source unauthorized; that
 * is {@link StreamRunner}'s business.)
 */
final class Backoff {
  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(5);
  static final Duration AUTH_PAUSE = Duration.ofMinutes(5);

  /** Failures that retrying soon cannot fix. */
  private static final Set<ConnectorException.Kind> LONG_PAUSE =
      EnumSet.of(
          ConnectorException.Kind.AUTH,
          ConnectorException.Kind.PERMANENT,
          ConnectorException.Kind.FEATURE_UNAVAILABLE);

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
    if (LONG_PAUSE.contains(kind)) {
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
