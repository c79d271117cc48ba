package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.util.IsoInstant;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * How a time is written: {@code iso8601} ({@code 2026-11-18T12:49:00Z}), {@code epoch_s}, {@code
 * epoch_ms}, or a {@link DateTimeFormatter} pattern ({@code yyyy-MM-dd HH:mm:ss}; read in UTC when
 * the pattern has no zone).
 */
sealed interface TimeFormat {
  /** The text of {@code t} as a request parameter. */
  String format(Instant t);

  /**
   * The instant a field's value stands for; null for a missing, null or empty value.
   *
   * @throws IllegalArgumentException for a value not in this format (a mapping error)
   */
  Instant parse(JsonNode v);

  /** Reads {@code key}; a problem naming it for anything else, and {@code def} then. */
  static TimeFormat read(Settings s, String key, TimeFormat def) {
    String v = s.optionalString(key).orElse(null);
    if (v == null) {
      return def;
    }
    return switch (v) {
      case "iso8601" -> new Iso();
      case "epoch_s" -> new Epoch(false);
      case "epoch_ms" -> new Epoch(true);
      default -> {
        try {
          yield new Pattern(v, DateTimeFormatter.ofPattern(v).withZone(ZoneOffset.UTC));
        } catch (IllegalArgumentException e) {
          s.problem(
              key,
              "expected iso8601, epoch_s, epoch_ms or a java.time pattern like yyyy-MM-dd HH:mm:ss,"
                  + " got \""
                  + v
                  + "\"");
          yield def;
        }
      }
    };
  }

  private static String text(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return null;
    }
    String t = v.asText();
    return t.isEmpty() ? null : t;
  }

  /** ISO 8601 with a zone or offset. */
  record Iso() implements TimeFormat {
    @Override
    public String format(Instant t) {
      return t.toString();
    }

    @Override
    public Instant parse(JsonNode v) {
      String t = text(v);
      if (t == null) {
        return null;
      }
      try {
        return IsoInstant.parse(t);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not an ISO 8601 time: \"" + t + "\"");
      }
    }
  }

  /** Seconds or milliseconds since 1970 (a number, or its text). */
  record Epoch(boolean millis) implements TimeFormat {
    @Override
    public String format(Instant t) {
      return Long.toString(millis ? t.toEpochMilli() : t.getEpochSecond());
    }

    @Override
    public Instant parse(JsonNode v) {
      String t = text(v);
      if (t == null) {
        return null;
      }
      try {
        long n = v.isNumber() ? v.asLong() : Long.parseLong(t.trim());
        return millis ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "not " + (millis ? "epoch milliseconds" : "epoch seconds") + ": \"" + t + "\"");
      }
    }
  }

  /** A java.time pattern; without a zone in the pattern, UTC. */
  record Pattern(String pattern, DateTimeFormatter formatter) implements TimeFormat {
    @Override
    public String format(Instant t) {
      return formatter.format(t);
    }

    @Override
    public Instant parse(JsonNode v) {
      String t = text(v);
      if (t == null) {
        return null;
      }
      try {
        TemporalAccessor a = formatter.parse(t);
        try {
          return ZonedDateTime.from(a).toInstant();
        } catch (RuntimeException noZone) {
          return LocalDateTime.from(a).toInstant(ZoneOffset.UTC);
        }
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a time like " + pattern + ": \"" + t + "\"");
      }
    }
  }
}
