package io.cxexporter.connector.http;

import io.cxexporter.config.Settings;
import io.cxexporter.connector.RequestLimits;
import java.time.Duration;

/**
 * A connector's HTTP settings from its config block:
 *
 * <pre>{@code
 * timeouts: {connect: 10s, read: 30s, call: 60s}
 * max_attempts: 4          # per request, for 5xx, timeouts and connection errors
 * max_wait: 60s            # a longer Retry-After is handed to the sync loop instead of slept
 * max_response_bytes: 33554432   # a longer answer is a bad response, read no further (32 MiB)
 * }</pre>
 */
public record HttpSettings(
    Duration connectTimeout,
    Duration readTimeout,
    Duration callTimeout,
    int maxAttempts,
    Duration maxWait,
    long maxResponseBytes) {
  /** The default {@code max_response_bytes}: 32 MiB, some 30 times a full Zendesk export page. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

  /** The defaults. */
  public static final HttpSettings DEFAULTS =
      new HttpSettings(
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          4,
          Duration.ofSeconds(60),
          DEFAULT_MAX_RESPONSE_BYTES);

  /** Settings with the default {@code max_response_bytes}. */
  public HttpSettings(
      Duration connectTimeout,
      Duration readTimeout,
      Duration callTimeout,
      int maxAttempts,
      Duration maxWait) {
    this(
        connectTimeout, readTimeout, callTimeout, maxAttempts, maxWait, DEFAULT_MAX_RESPONSE_BYTES);
  }

  public HttpSettings {
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          "maxResponseBytes must be at least 1: " + maxResponseBytes);
    }
  }

  /** Reads the keys above from a connector's block; problems go to {@code s}. */
  public static HttpSettings read(Settings s) {
    Settings t = s.object("timeouts");
    Duration connect = positive(t, "connect", DEFAULTS.connectTimeout());
    Duration read = positive(t, "read", DEFAULTS.readTimeout());
    Duration call = positive(t, "call", DEFAULTS.callTimeout());
    int attempts = s.intValue("max_attempts", DEFAULTS.maxAttempts(), 1, 20);
    Duration maxWait = s.duration("max_wait", DEFAULTS.maxWait());
    long maxBytes =
        s.longValue("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES, 1024, 1024L * 1024 * 1024);
    return new HttpSettings(connect, read, call, attempts, maxWait, maxBytes);
  }

  /** These settings lowered to {@code limits} (never raised); themselves when it is null. */
  public HttpSettings cappedBy(RequestLimits limits) {
    if (limits == null) {
      return this;
    }
    return new HttpSettings(
        min(connectTimeout, limits.timeout()),
        min(readTimeout, limits.timeout()),
        min(callTimeout, limits.timeout()),
        Math.min(maxAttempts, limits.maxAttempts()),
        min(maxWait, limits.maxWait()),
        maxResponseBytes);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration positive(Settings s, String key, Duration def) {
    Duration d = s.duration(key, def);
    if (d.isZero()) {
      s.problem(key, "must be greater than 0");
      return def;
    }
    return d;
  }
}
