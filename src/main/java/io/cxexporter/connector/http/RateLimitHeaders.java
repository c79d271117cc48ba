package io.cxexporter.connector.http;

import java.util.List;

/**
 * Which response headers carry a vendor's remaining budget, its window size, its reset time and the
 * credits the answered request cost, e.g. Zendesk {@code ratelimit-remaining} / {@code
 * x-rate-limit-remaining}, Freshdesk {@code X-Ratelimit-Remaining} and {@code
 * X-RateLimit-Used-CurrentRequest}, HubSpot {@code X-HubSpot-RateLimit-Remaining}. The first header
 * present wins.
 */
public record RateLimitHeaders(
    List<String> remaining, List<String> limit, List<String> reset, List<String> used) {
  /** The common names most vendors use. */
  public static final RateLimitHeaders COMMON =
      new RateLimitHeaders(
          List.of("ratelimit-remaining", "x-ratelimit-remaining", "x-rate-limit-remaining"),
          List.of("ratelimit-limit", "x-ratelimit-limit", "x-rate-limit-limit"),
          List.of("ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset"));

  public RateLimitHeaders {
    remaining = List.copyOf(remaining);
    limit = List.copyOf(limit);
    reset = List.copyOf(reset);
    used = List.copyOf(used);
  }

  /** Headers for a vendor that does not say what one request cost. */
  public RateLimitHeaders(List<String> remaining, List<String> limit, List<String> reset) {
    this(remaining, limit, reset, List.of());
  }
}
