package io.cxexporter.connector.liveagent;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.http.WatermarkCursor;
import io.cxexporter.model.Cursor;
import java.time.Duration;
import java.time.Instant;

/**
 * The newest item time of a whole pass. The paging engine moves the watermark to the newest item of
 * the page that ends the pass; a {@code _page} list whose last page is empty (the total is a
 * multiple of the page size) would leave it where the pass began and re-read everything. This
 * remembers the pass's newest time and moves the watermark there (minus the overlap) instead.
 */
final class PassWatermark {
  private final String key;
  private final Duration overlap;
  private long newest = Long.MIN_VALUE;

  PassWatermark(String key, Duration overlap) {
    this.key = key;
    this.overlap = overlap;
  }

  /** Called before a page is read with its cursor: a new pass forgets the last one's time. */
  void before(Cursor from) throws ConnectorException {
    if (WatermarkCursor.parse(from, key, 0).token() == null) {
      newest = Long.MIN_VALUE;
    }
  }

  /** Notes an item's time. */
  void saw(Instant at) {
    if (at != null) {
      newest = Math.max(newest, at.getEpochSecond());
    }
  }

  /** The page, its cursor moved to the pass's newest time when it ends the pass. */
  Page after(Page p) throws ConnectorException {
    if (!p.caughtUp() || newest == Long.MIN_VALUE) {
      return p;
    }
    WatermarkCursor w = WatermarkCursor.parse(p.next(), key, 0);
    long at = newest - overlap.getSeconds();
    if (w.token() != null || at <= w.since()) {
      return p;
    }
    return new Page(p.records(), w.at(at).cursor(), true, p.progress(), p.rejected());
  }
}
