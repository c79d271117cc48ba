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

  @Override
  public void onRequest(String endpoint, String code, Duration latency) {
    requests.add(endpoint + " " + code);
  }

  @Override
  public void onRateLimitRemaining(double r) {
    remaining.add(r);
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
  }
}
