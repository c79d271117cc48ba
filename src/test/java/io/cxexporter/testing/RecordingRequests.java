package io.cxexporter.testing;

import io.cxexporter.connector.RequestListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link RequestListener} that keeps what a connector reported: {@code endpoint code} per request
 * (what becomes {@code cx_connector_requests_total{endpoint,code}}) and the rate-limit budgets.
 */
public final class RecordingRequests implements RequestListener {
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Double> remaining = Collections.synchronizedList(new ArrayList<>());
  private final java.util.Map<String, Double> credits =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final List<String> lookupFailures = Collections.synchronizedList(new ArrayList<>());
  private final List<String> lookupRecoveries = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onRequest(String endpoint, String code, Duration latency) {
    requests.add(endpoint + " " + code);
  }

  @Override
  public void onRateLimitRemaining(double r) {
    remaining.add(r);
  }

  @Override
  public void onCredits(String endpoint, double c) {
    credits.merge(endpoint, c, Double::sum);
  }

  @Override
  public void onLookupFailed(String lookup, String kind, String message) {
    lookupFailures.add(lookup + " " + kind);
  }

  @Override
  public void onLookupRecovered(String lookup) {
    lookupRecoveries.add(lookup);
  }

  /** Credits reported per endpoint (what becomes {@code cx_connector_request_credits_total}). */
  public java.util.Map<String, Double> credits() {
    return new java.util.TreeMap<>(credits);
  }

  /** {@code lookup kind} of every failed lookup reported, in order. */
  public List<String> lookupFailures() {
    synchronized (lookupFailures) {
      return List.copyOf(lookupFailures);
    }
  }

  /** The name of every lookup reported working again after a failure, in order. */
  public List<String> lookupRecoveries() {
    synchronized (lookupRecoveries) {
      return List.copyOf(lookupRecoveries);
    }
  }

  /** {@code endpoint code} of every request reported, in order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public void clear() {
    requests.clear();
    remaining.clear();
    credits.clear();
    lookupFailures.clear();
    lookupRecoveries.clear();
  }
}
