package io.cxexporter.connector.intercom;

import io.cxexporter.connector.http.RateLimitHeaders;
import java.util.List;

/** What every Intercom request shares: the version header and the rate-limit headers. */
final class IntercomApi {
  /** The header that pins the API version; every request carries it. */
  static final String VERSION = "Intercom-Version";

  /** The version sent when {@code api_version} is not set: the current documented reference. */
  static final String DEFAULT_VERSION = "2.14";

  /** The default API host (US region); EU and AU workspaces have their own. */
  static final String DEFAULT_BASE_URL = "https://api.intercom.io";

  /**
   * Intercom's budget headers, counted over 10-second windows: {@code X-RateLimit-Remaining} of
   * {@code X-RateLimit-Limit}, and {@code X-RateLimit-Reset} as a unix time.
   */
  static final RateLimitHeaders HEADERS =
      new RateLimitHeaders(
          List.of("x-ratelimit-remaining"),
          List.of("x-ratelimit-limit"),
          List.of("x-ratelimit-reset"));

  private IntercomApi() {}
}
