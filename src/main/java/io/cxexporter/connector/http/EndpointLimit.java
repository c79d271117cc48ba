package io.cxexporter.connector.http;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A vendor's per-endpoint limit, e.g. Zendesk's incremental exports: 10 requests a minute. {@link
 * #reserve()} says how long to wait so that no more than {@code max} requests start within any
 * {@code per}.
 */
public final class EndpointLimit {
  private final int max;
  private final Duration per;
  private final Clock clock;
  private final Deque<Long> starts = new ArrayDeque<>();

  public EndpointLimit(int max, Duration per, Clock clock) {
    if (max < 1 || per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("limit must be at least 1 request per positive duration");
    }
    this.max = max;
    this.per = per;
    this.clock = clock;
  }

  /** Reserves a slot and returns how long to wait before using it (zero when free now). */
  public synchronized Duration reserve() {
    long now = clock.millis();
    while (!starts.isEmpty() && starts.peekFirst() <= now - per.toMillis()) {
      starts.pollFirst();
    }
    long at = now;
    if (starts.size() >= max) {
      // the oldest of the last `max` starts must leave the window first
      long oldest = starts.toArray(new Long[0])[starts.size() - max];
      at = Math.max(now, oldest + per.toMillis());
    }
    starts.addLast(at);
    return Duration.ofMillis(at - now);
  }
}
