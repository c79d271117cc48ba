package io.cxexporter.util;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of {@code base *
 * 2^(n-1)}, capped at {@code max}. One formula for the HTTP retries and the sync loop's retries.
 */
public final class Jitter {
  private Jitter() {}

  /** The wait before retry number {@code attempt} (1 for the first retry). */
  public static Duration exponential(
      Duration base, Duration max, int attempt, RandomGenerator random) {
    long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20));
    return Duration.ofMillis(cap / 2 + random.nextLong(cap / 2 + 1));
  }
}
