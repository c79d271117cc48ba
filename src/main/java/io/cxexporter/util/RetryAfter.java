package io.cxexporter.util;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads {@code Retry-After} (delta seconds or an HTTP date) and vendor reset headers. */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * The wait a {@code Retry-After} value asks for: {@code 120} or {@code Wed, 21 Oct 2026 07:28:00
   * GMT}; empty when absent or unreadable, never negative.
   */
  public static Optional<Duration> parse(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      return Optional.of(Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(v) * 1000))));
    } catch (NumberFormatException e) {
      // an HTTP date, below
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The wait until a vendor's reset header: epoch seconds (a value over 10^9) or seconds from now.
   */
  public static Optional<Duration> untilReset(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      double n = Double.parseDouble(value.trim());
      Duration d =
          n > 1e9
              ? Duration.ofMillis((long) (n * 1000) - clock.millis())
              : Duration.ofMillis((long) (n * 1000));
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
