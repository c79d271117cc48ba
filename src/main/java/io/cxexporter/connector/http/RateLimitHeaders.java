package io.cxexporter.connector.http;

import java.util.List;

/**
 * Which response headers carry a vendor's remaining budget, its window size and its reset time,
 * e.g. Zendesk {@code ratelimit-remaining} / {@code x-rate-limit-remaining}, Freshdesk {@code
 * X-Ratelimit-Remaining}, HubSpot {@code X-HubSpot-RateLimit-Remaining}. The first header present
 * wins.
 */
public record RateLimitHeaders(List<String> remaining, List<String> limit, List<String> reset) {
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
  }
}
