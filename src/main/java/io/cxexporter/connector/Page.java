package io.cxexporter.connector;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.util.List;
import java.util.Objects;

/**
 * One page read from a stream: its normalized records and the cursor to continue from.
 *
 * @param records the records of this page, oldest change first; the same id may appear twice (the
 *     later one wins)
 * @param next the cursor after this page; committed together with the records
 * @param caughtUp true when the stream has nothing newer right now (wait {@code poll_interval})
 * @param progress how far a backfill has come, 0..1, or null when the stream cannot tell
 * @param rejected the records of the page that could not be mapped (counted, logged, not applied)
 * @param skipped items of the vendor's page the stream left out on purpose (not a record it keeps,
 *     or delivered by the pass before); shown by {@code probe}, 0 when the stream does not tell
 */
public record Page(
    List<Record> records,
    Cursor next,
    boolean caughtUp,
    Double progress,
    List<Rejected> rejected,
    int skipped) {
  public Page {
    records = List.copyOf(records);
    rejected = List.copyOf(rejected);
    Objects.requireNonNull(next, "next");
    if (progress != null && !(progress >= 0 && progress <= 1)) {
      throw new IllegalArgumentException("progress must be in 0..1: " + progress);
    }
    if (skipped < 0) {
      throw new IllegalArgumentException("skipped must not be negative: " + skipped);
    }
  }

  /** A page that skipped nothing on purpose. */
  public Page(
      List<Record> records,
      Cursor next,
      boolean caughtUp,
      Double progress,
      List<Rejected> rejected) {
    this(records, next, caughtUp, progress, rejected, 0);
  }

  /** A page whose every record was mapped. */
  public Page(List<Record> records, Cursor next, boolean caughtUp, Double progress) {
    this(records, next, caughtUp, progress, List.of());
  }
}
