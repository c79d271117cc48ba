package io.cxexporter.store;

import io.cxexporter.model.Cursor;
import java.time.Instant;

/**
 * What the store remembers of one stream between runs.
 *
 * @param cursor where to continue reading
 * @param backfillDone true once the stream has caught up at least once
 * @param updatedAt when the cursor was last committed, or null when never
 */
public record StreamState(Cursor cursor, boolean backfillDone, Instant updatedAt) {
  /** The state of a stream never read. */
  public static final StreamState NEW = new StreamState(Cursor.START, false, null);
}
