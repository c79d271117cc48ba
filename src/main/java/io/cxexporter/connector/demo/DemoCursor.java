package io.cxexporter.connector.demo;

import io.cxexporter.connector.http.CursorFields;
import io.cxexporter.model.Cursor;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * A demo stream's position: everything up to {@code position} was delivered, in the simulation
 * anchored at {@code origin} (the creation time of the connector that started the backfill). The
 * origin travels in the cursor so that a restarted exporter continues the same simulation: same
 * backfill start, same customer base, same live tickets.
 *
 * <p>Encoded with the kit's {@link CursorFields} as {@code
 * at=2026-11-18T09:59:12.345Z;origin=2026-11-18T10:00:00Z}.
 *
 * @param position epoch milliseconds of the last delivered instant
 * @param origin epoch milliseconds at which the simulation's live part begins
 */
record DemoCursor(long position, long origin) {
  private static final String AT = "at";
  private static final String ORIGIN = "origin";

  /** The cursor as the stream hands it out. */
  Cursor encode() {
    return CursorFields.empty()
        .with(AT, Instant.ofEpochMilli(position).toString())
        .with(ORIGIN, Instant.ofEpochMilli(origin).toString())
        .cursor();
  }

  /**
   * Decodes a cursor this class encoded.
   *
   * @throws IllegalArgumentException when {@code value} is not such a cursor
   */
  static DemoCursor decode(String value) {
    CursorFields f = CursorFields.parse(new Cursor(value));
    if (!f.keys().equals(java.util.Set.of(AT, ORIGIN))) {
      throw new IllegalArgumentException("not a demo cursor: \"" + value + "\"");
    }
    try {
      long at = Instant.parse(f.get(AT).orElseThrow()).toEpochMilli();
      long origin = Instant.parse(f.get(ORIGIN).orElseThrow()).toEpochMilli();
      return new DemoCursor(at, origin);
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("not a demo cursor: \"" + value + "\"", e);
    }
  }
}
