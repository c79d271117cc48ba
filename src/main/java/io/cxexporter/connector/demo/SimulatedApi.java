package io.cxexporter.connector.demo;

import io.cxexporter.connector.RequestListener;
import java.time.Clock;
import java.time.Duration;

/**
 * The demo's pretend vendor API accounting: each page read is one request answered 200, against a
 * budget of 700 requests per minute, reported like a real connector's HTTP layer reports them (its
 * clock skew is 0: it keeps the exporter's clock) (so the exporter-health panels have data on the
 * demo).
 */
final class SimulatedApi {
  static final int BUDGET_PER_MINUTE = 700;

  private final RequestListener listener;
  private final Clock clock;
  private long minute = Long.MIN_VALUE;
  private int used;

  SimulatedApi(RequestListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
  }

  /** Reports one request to {@code endpoint}. */
  synchronized void request(String endpoint) {
    long m = clock.millis() / 60_000;
    if (m != minute) {
      minute = m;
      used = 0;
    }
    used++;
    listener.onRequest(endpoint, "200", Duration.ofMillis(20 + (endpoint.hashCode() & 63)));
    listener.onRateLimitRemaining(Math.max(0, BUDGET_PER_MINUTE - used));
    listener.onClockSkew(0); // the pretend vendor keeps the exporter's own clock
  }
}
