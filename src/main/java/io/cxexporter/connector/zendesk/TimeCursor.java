package io.cxexporter.connector.zendesk;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.model.Cursor;
import java.time.Clock;

/**
 * The cursor of a time-windowed Zendesk stream: an epoch second to start from and, while inside one
 * read, Zendesk's page cursor. Stored as {@code <key>=<epoch>[;after=<cursor>]} (ratings use {@code
 * start}, metric events {@code t}).
 *
 * <pre>{@code
 * TimeCursor c = TimeCursor.parse(from, "t", backfillStart);
 * Cursor next = c.withAfter("abc").cursor();   // t=1795000000;after=abc
 * }</pre>
 *
 * @param after Zendesk's page cursor; null between reads, "" for "start paging this second"
 */
record TimeCursor(String key, long start, String after) {

  /** Reads a stored cursor; {@link Cursor#START} gives {@code defaultStart}. */
  static TimeCursor parse(Cursor from, String key, long defaultStart) throws ConnectorException {
    long start = defaultStart;
    String after = null;
    if (!from.isStart()) {
      for (String part : from.value().split(";")) {
        if (part.startsWith(key + "=")) {
          try {
            start = Long.parseLong(part.substring(key.length() + 1));
          } catch (NumberFormatException e) {
            throw new ConnectorException(
                ConnectorException.Kind.PERMANENT, "stored cursor is not ours: " + from.value());
          }
        } else if (part.startsWith("after=")) {
          after = part.substring(6);
        }
      }
    }
    return new TimeCursor(key, start, after);
  }

  /** The same cursor starting at {@code epochSecond}, outside paging. */
  TimeCursor at(long epochSecond) {
    return new TimeCursor(key, epochSecond, null);
  }

  /** The same start with Zendesk's page cursor. */
  TimeCursor withAfter(String pageCursor) {
    return new TimeCursor(key, start, pageCursor);
  }

  /** As stored. */
  Cursor cursor() {
    return new Cursor(key + "=" + start + (after == null ? "" : ";after=" + after));
  }

  /** How far {@code epochSecond} is from the backfill start to now, 0..1. */
  static double progress(long epochSecond, long backfillStart, Clock clock) {
    double now = clock.instant().getEpochSecond();
    return Math.min(
        1, Math.max(0, (epochSecond - backfillStart) / Math.max(1, now - backfillStart)));
  }
}
