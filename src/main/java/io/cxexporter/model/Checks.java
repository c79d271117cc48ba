package io.cxexporter.model;

import java.time.Duration;
import java.time.Instant;

/**
 * The checks every record's constructor makes on what a vendor sent, in one place: a record that
 * fails one is refused with a message naming the field, which the connector kit turns into a
 * rejected record ({@code cx_connector_errors_total{kind="mapping"}}) instead of a wrong number.
 */
final class Checks {
  /** The earliest time a record may carry: 1970-01-01T00:00:00Z. */
  static final Instant MIN_TIME = Instant.EPOCH;

  /** The latest time a record may carry: the end of 9999-12-31 (UTC). */
  static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private Checks() {}

  /**
   * An id: present and not blank (a vendor's JSON {@code null} read as text must never become the
   * id {@code "null"} every such record would share).
   */
  static String id(String id, String field) {
    if (id == null) {
      throw new NullPointerException(field + ": missing");
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException(field + ": blank");
    }
    return id;
  }

  /** A time, when present: within [1970-01-01, 9999-12-31]. */
  static void time(Instant t, String field) {
    if (t != null && (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME))) {
      throw new IllegalArgumentException(field + ": outside 1970-01-01..9999-12-31: " + t);
    }
  }

  /** A duration, when present: not negative. */
  static void duration(Duration d, String field) {
    if (d != null && d.isNegative()) {
      throw new IllegalArgumentException(field + ": negative: " + d);
    }
  }
}
