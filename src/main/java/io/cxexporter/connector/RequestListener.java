package io.cxexporter.connector;

import java.time.Duration;
import java.util.Map;

/**
 * Where a connector's HTTP layer reports each request and the vendor's remaining quota; the
 * exporter turns them into {@code cx_connector_requests_total}, {@code
 * cx_connector_request_duration_seconds} and {@code cx_connector_rate_limit_remaining}.
 */
public interface RequestListener {
  /** Reports nothing. */
  RequestListener NONE =
      new RequestListener() {
        @Override
        public void onRequest(String endpoint, String code, Duration latency) {}

        @Override
        public void onRateLimitRemaining(double remaining) {}
      };

  /**
   * One finished request.
   *
   * @param endpoint a bounded name for the endpoint, e.g. {@code incremental/tickets} (never a URL
   *     with ids or query)
   * @param code the HTTP status, or {@code timeout} / {@code error} when there was none
   */
  void onRequest(String endpoint, String code, Duration latency);

  /**
   * One finished attempt as it was sent, for {@code cx-exporter probe}; reported after {@link
   * #onRequest} and only by listeners that ask for it (the exporter's metrics ignore it). Every
   * query parameter and header the connector's credentials set holds {@code <redacted>} instead of
   * its value.
   *
   * @param method {@code GET} or {@code POST}
   * @param url the absolute URL with its query, credentials redacted
   * @param headers the headers the connector set (its own and its credentials'), credentials
   *     redacted
   * @param code the HTTP status, or {@code timeout} / {@code error} when there was none
   */
  default void onSent(String method, String url, Map<String, String> headers, String code) {}

  /** The vendor's remaining request budget in its current window, as its headers report it. */
  void onRateLimitRemaining(double remaining);

  /**
   * What one answered request cost in the vendor's credits (Freshdesk charges 2 more for {@code
   * include=stats}); the exporter counts them in {@code cx_connector_request_credits_total}.
   */
  default void onCredits(String endpoint, double credits) {}

  /**
   * A name or field lookup failed (the records were still read, with ids for names); the exporter
   * counts it in {@code cx_connector_errors_total{stream="lookup/<lookup>", kind}} and shows it on
   * the status page.
   *
   * @param lookup a bounded name, e.g. {@code groups}
   * @param kind the failure's kind in lower case, e.g. {@code transient}, {@code permanent}
   * @param message what went wrong, never a credential
   */
  default void onLookupFailed(String lookup, String kind, String message) {}

  /**
   * How far the vendor's clock is ahead of ours (negative: behind), from the {@code Date} header of
   * an answer: its time minus the midpoint of the request by our clock. The header has whole
   * seconds, so a vendor in sync reads between about -1 s and the request's latency; the exporter
   * serves it as {@code cx_connector_clock_skew_seconds}.
   */
  default void onClockSkew(double seconds) {}

  /** A lookup that had failed worked again: its failure is no longer shown. */
  default void onLookupRecovered(String lookup) {}
}
