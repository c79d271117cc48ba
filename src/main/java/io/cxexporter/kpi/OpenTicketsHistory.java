package io.cxexporter.kpi;

import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import java.time.Instant;
import java.util.Arrays;

/**
 * How many tickets of one source were open at a past instant, from the latest version of each
 * ticket: a ticket counts as open from its creation to its solve ({@code solved_at}; the last
 * update for a solved or closed ticket without one). Status history is not kept, so a ticket solved
 * and reopened counts as open from its creation to its last solve (or until now), and the statuses
 * between (pending, on hold) are not told apart. Deleted tickets do not count.
 *
 * <pre>{@code
 * OpenTicketsHistory open = new OpenTicketsHistory();
 * store.forEach("zd", (stream, record) -> open.add(record));
 * long n = open.at(Instant.parse("2026-11-20T12:00:00Z"));
 * }</pre>
 */
public final class OpenTicketsHistory {
  private long[] created = new long[1024];
  private long[] closed = new long[1024];
  private int n;
  private int ended;
  private boolean sorted = true;

  /** Counts {@code r} when it is a ticket; other records are ignored. */
  public void add(Record r) {
    if (!(r instanceof Ticket t)) {
      return;
    }
    if (n == created.length) {
      created = Arrays.copyOf(created, n * 2);
    }
    created[n++] = t.createdAt().toEpochMilli();
    Instant end = t.solvedAt();
    if (end == null && !t.status().isOpen()) {
      end = t.updatedAt();
    }
    if (end != null) {
      if (ended == closed.length) {
        closed = Arrays.copyOf(closed, ended * 2);
      }
      // a solve stamped before the creation closes it at once: never a negative stretch open
      closed[ended++] = Math.max(end.toEpochMilli(), t.createdAt().toEpochMilli());
    }
    sorted = false;
  }

  /** Tickets created at or before {@code t} and not solved at or before it. */
  public long at(Instant t) {
    if (!sorted) {
      Arrays.sort(created, 0, n);
      Arrays.sort(closed, 0, ended);
      sorted = true;
    }
    long ms = t.toEpochMilli();
    return upTo(created, n, ms) - upTo(closed, ended, ms);
  }

  /** How many of the first {@code len} (sorted) values are at most {@code ms}. */
  private static int upTo(long[] values, int len, long ms) {
    int lo = 0;
    int hi = len;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] <= ms) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
