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
 * at=2026-11-18T09:59:12.345Z;origin=2026-11-18T10:00:00Z;settled=2026-11-06T13:00:00Z}. The
 * optional {@code settled} is a hint: no record born before that hour changes after {@code
 * position}, so a restarted exporter draws only the hours from it on (a ticket can change for 50
 * days, but few stay open that long: a fifth of the hours instead of all of them).
 *
 * @param position epoch milliseconds of the last delivered instant
 * @param origin epoch milliseconds at which the simulation's live part begins
 * @param settled the first hour (hours since the epoch) whose records may still change after {@code
 *     position}, or {@link #UNKNOWN}
 */
record DemoCursor(long position, long origin, long settled) {
  /** No {@code settled} hint: every hour a record of which can still change is drawn. */
  static final long UNKNOWN = Long.MIN_VALUE;

  private static final String AT = "at";
  private static final String ORIGIN = "origin";
  private static final String SETTLED = "settled";

  DemoCursor(long position, long origin) {
    this(position, origin, UNKNOWN);
  }

  /** The cursor as the stream hands it out. */
  Cursor encode() {
    CursorFields f =
        CursorFields.empty()
            .with(AT, Instant.ofEpochMilli(position).toString())
            .with(ORIGIN, Instant.ofEpochMilli(origin).toString());
    if (settled != UNKNOWN) {
      f = f.with(SETTLED, Instant.ofEpochMilli(settled * Rng.HOUR).toString());
    }
    return f.cursor();
  }

  /**
   * Decodes a cursor this class encoded.
   *
   * @throws IllegalArgumentException when {@code value} is not such a cursor
   */
  static DemoCursor decode(String value) {
    CursorFields f = CursorFields.parse(new Cursor(value));
    if (!f.keys().equals(java.util.Set.of(AT, ORIGIN))
        && !f.keys().equals(java.util.Set.of(AT, ORIGIN, SETTLED))) {
      throw new IllegalArgumentException("not a demo cursor: \"" + value + "\"");
    }
    try {
      long at = Instant.parse(f.get(AT).orElseThrow()).toEpochMilli();
      long origin = Instant.parse(f.get(ORIGIN).orElseThrow()).toEpochMilli();
      long settled = UNKNOWN;
      if (f.get(SETTLED).isPresent()) {
        settled = Math.floorDiv(Instant.parse(f.get(SETTLED).get()).toEpochMilli(), Rng.HOUR);
      }
      return new DemoCursor(at, origin, settled);
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("not a demo cursor: \"" + value + "\"", e);
    }
  }
}
