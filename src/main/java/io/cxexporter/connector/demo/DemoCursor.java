package io.cxexporter.connector.demo;

import io.cxexporter.model.Cursor;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * A demo stream's position: everything up to {@code position} was delivered, in the simulation
 * anchored at {@code origin} (the creation time of the connector that started the backfill). The
 * origin travels in the cursor so that a restarted exporter continues the same simulation: same
 * backfill start, same customer base, same live tickets.
 *
 * <p>Encoded as {@code at=2026-11-18T09:59:12.345Z;origin=2026-11-18T10:00:00Z}.
 *
 * @param position epoch milliseconds of the last delivered instant
 * @param origin epoch milliseconds at which the simulation's live part begins
 */
record DemoCursor(long position, long origin) {
  private static final String AT = "at=";
  private static final String ORIGIN = ";origin=";

  /** The cursor as the stream hands it out. */
  Cursor encode() {
    return new Cursor(AT + Instant.ofEpochMilli(position) + ORIGIN + Instant.ofEpochMilli(origin));
  }

  /**
   * Decodes a cursor this class encoded.
   *
   * @throws IllegalArgumentException when {@code value} is not such a cursor
   */
  static DemoCursor decode(String value) {
    int sep = value.indexOf(ORIGIN);
    if (!value.startsWith(AT) || sep < 0) {
      throw new IllegalArgumentException("not a demo cursor: \"" + value + "\"");
    }
    try {
      long at = Instant.parse(value.substring(AT.length(), sep)).toEpochMilli();
      long origin = Instant.parse(value.substring(sep + ORIGIN.length())).toEpochMilli();
      return new DemoCursor(at, origin);
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("not a demo cursor: \"" + value + "\"", e);
    }
  }
}
