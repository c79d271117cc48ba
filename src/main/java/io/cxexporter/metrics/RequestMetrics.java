package io.cxexporter.metrics;

import io.cxexporter.connector.RequestListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Vendor API requests by source, endpoint and status code, their latency, and the vendor's
 * remaining rate-limit budget. Registered once per process; {@link #forSource} hands each connector
 * a {@link RequestListener} bound to its name.
 */
public final class RequestMetrics {
  private static final double[] LATENCY_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final Counter requests;
  private final Histogram duration;
  private final Gauge remaining;
  private final Counter credits;
  private final Gauge clockSkew;
  private final Map<String, Double> lastRemaining = new ConcurrentHashMap<>();

  private final Counter errors;
  private final Map<String, Map<String, String>> lookupFailures = new ConcurrentHashMap<>();

  private RequestMetrics(PrometheusRegistry r, Counter errors) {
    this.errors = errors;
    requests =
        Counter.builder()
            .name(MetricNames.CONNECTOR_REQUESTS)
            .help(
                "Requests to the vendor API by endpoint and HTTP status (timeout/error without one).")
            .labelNames("source", "endpoint", "code")
            .register(r);
    duration =
        Histogram.builder()
            .name(MetricNames.CONNECTOR_REQUEST_DURATION)
            .help("Latency of vendor API requests.")
            .unit(Unit.SECONDS)
            .labelNames("source", "endpoint")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .register(r);
    remaining =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_RATE_LIMIT_REMAINING)
            .help("Requests left in the vendor's current rate-limit window, from its headers.")
            .labelNames("source")
            .register(r);
    credits =
        Counter.builder()
            .name(MetricNames.CONNECTOR_REQUEST_CREDITS)
            .help(
                "API credits the vendor charged for requests, by endpoint (vendors that meter"
                    + " credits, e.g. Freshdesk: include=stats costs 2 more).")
            .labelNames("source", "endpoint")
            .register(r);
    clockSkew =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_CLOCK_SKEW)
            .help(
                "How far the vendor's clock is ahead of the exporter's (negative: behind), from the"
                    + " Date header of its last answer; whole-second resolution.")
            .unit(Unit.SECONDS)
            .labelNames("source")
            .register(r);
  }

  /**
   * Registers the request metrics; failed lookups are counted in {@code errors} ({@code
   * cx_connector_errors_total}, labels source, stream, kind) under {@code stream="lookup/<name>"}.
   */
  public static RequestMetrics register(PrometheusRegistry r, Counter errors) {
    return new RequestMetrics(r, errors);
  }

  /** The lookups of a source failing now, as {@code name: kind: message}, by name. */
  public List<String> lookupFailures(String source) {
    Map<String, String> m = lookupFailures.getOrDefault(source, Map.of());
    return new TreeMap<>(m).values().stream().toList();
  }

  /** The last remaining budget a source reported, or null when it never did. */
  public Double remaining(String source) {
    return lastRemaining.get(source);
  }

  /** Drops the series of a connector removed by a reload. */
  public void forget(String source) {
    requests.removeIf(l -> l.get(0).equals(source));
    duration.removeIf(l -> l.get(0).equals(source));
    remaining.remove(source);
    credits.removeIf(l -> l.get(0).equals(source));
    clockSkew.remove(source);
    lastRemaining.remove(source);
    lookupFailures.remove(source);
  }

  /** The listener a connector named {@code source} reports to. */
  public RequestListener forSource(String source) {
    return new RequestListener() {
      @Override
      public void onRequest(String endpoint, String code, Duration latency) {
        requests.labelValues(source, endpoint, code).inc();
        duration.labelValues(source, endpoint).observe(latency.toNanos() / 1e9);
      }

      @Override
      public void onRateLimitRemaining(double value) {
        remaining.labelValues(source).set(value);
        lastRemaining.put(source, value);
      }

      @Override
      public void onCredits(String endpoint, double value) {
        credits.labelValues(source, endpoint).inc(value);
      }

      @Override
      public void onClockSkew(double seconds) {
        clockSkew.labelValues(source).set(seconds);
      }

      @Override
      public void onLookupFailed(String lookup, String kind, String message) {
        errors.labelValues(source, "lookup/" + lookup, kind).inc();
        lookupFailures
            .computeIfAbsent(source, k -> new ConcurrentHashMap<>())
            .put(lookup, lookup + ": " + kind + ": " + message);
      }

      @Override
      public void onLookupRecovered(String lookup) {
        Map<String, String> m = lookupFailures.get(source);
        if (m != null) {
          m.remove(lookup);
        }
      }
    };
  }
}
