package io.cxexporter.connector.http;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.model.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * Where a time-windowed stream is: a watermark (the epoch second the next pass reads from) and,
 * inside a pass, the vendor's page token and how many pages the pass has read. Stored with {@link
 * CursorFields} as {@code <key>=<epoch>[;after=<token>][;pages=<n>][;newest=<epoch>]} (Zendesk
 * ratings use {@code start}, metric events {@code t}); {@code pages} is kept only for streams with
 * a page cap, {@code newest} only inside a pass (the newest record time its pages have had so far:
 * a pass whose last page is empty still ends at its newest record, after a restart too; written
 * only when later than the watermark).
 *
 * <p>Between passes the watermark moves to the newest record time seen minus an {@code overlap}
 * ({@link #advance}): a vendor that indexes late, or whose time filter is inclusive, re-sends the
 * records at the boundary, and the store's upsert counts each version once. A stream that wants to
 * skip those re-sent records before they are mapped keeps their ids ({@link #seen}) and drops them
 * with {@link #isRepeat} ({@link PagedStream.Builder#dedupeBoundary()} does both).
 *
 * <pre>{@code
 * WatermarkCursor c = WatermarkCursor.parse(from, "start", backfillStart);
 * Cursor mid = c.withToken("abc").cursor();                       // start=1795000000;after=abc
 * Cursor next = c.advance(newestSeen, Duration.ofMinutes(1)).cursor();
 * }</pre>
 *
 * @param key the name of the watermark field
 * @param since the watermark, epoch seconds
 * @param token the vendor's page token inside a pass, or null between passes ({@code ""} is a token
 *     too: "start paging here")
 * @param pages pages read in this pass (0 when not counted)
 * @param seen ids of the records at {@code since} already delivered (empty unless the stream keeps
 *     them)
 * @param newest the newest record time (epoch seconds) of the pages read so far in this pass, or
 *     {@link Long#MIN_VALUE} (none yet, or between passes)
 */
public record WatermarkCursor(
    String key, long since, String token, int pages, Set<String> seen, long newest) {
  private static final String TOKEN = "after";
  private static final String PAGES = "pages";
  private static final String SEEN = "seen";
  private static final String NEWEST = "newest";

  public WatermarkCursor {
    seen = Set.copyOf(seen);
  }

  /** A cursor at {@code since}, between passes. */
  public static WatermarkCursor at(String key, long since) {
    return new WatermarkCursor(key, since, null, 0, Set.of(), Long.MIN_VALUE);
  }

  /**
   * Reads a stored cursor; {@link Cursor#START} gives {@code defaultSince}.
   *
   * @throws ConnectorException PERMANENT when the stored cursor is not one of ours
   */
  public static WatermarkCursor parse(Cursor from, String key, long defaultSince)
      throws ConnectorException {
    if (from.isStart()) {
      return at(key, defaultSince);
    }
    CursorFields f = CursorFields.parse(from);
    try {
      long since = f.get(key).map(Long::parseLong).orElse(defaultSince);
      int pages = f.get(PAGES).map(Integer::parseInt).orElse(0);
      Set<String> seen =
          f.get(SEEN).filter(s -> !s.isEmpty()).map(s -> Set.of(s.split(","))).orElse(Set.of());
      long newest = f.get(NEWEST).map(Long::parseLong).orElse(Long.MIN_VALUE);
      return new WatermarkCursor(key, since, f.get(TOKEN).orElse(null), pages, seen, newest);
    } catch (IllegalArgumentException e) {
      throw new ConnectorException(
          ConnectorException.Kind.PERMANENT, "stored cursor is not ours: " + from.value());
    }
  }

  /** The same watermark, between passes (no token, no page count). */
  public WatermarkCursor at(long epochSecond) {
    return new WatermarkCursor(key, epochSecond, null, 0, Set.of(), Long.MIN_VALUE);
  }

  /** The same watermark with the vendor's token for the next page. */
  public WatermarkCursor withToken(String pageToken) {
    return new WatermarkCursor(key, since, pageToken, pages, seen, newest);
  }

  /** The same cursor having read one more page of the pass. */
  public WatermarkCursor nextPage() {
    return new WatermarkCursor(key, since, token, pages + 1, seen, newest);
  }

  /**
   * The same cursor having seen records up to {@code epochSecond} in this pass ({@link
   * Long#MIN_VALUE}: none in the page just read).
   */
  public WatermarkCursor sawUpTo(long epochSecond) {
    return new WatermarkCursor(key, since, token, pages, seen, Math.max(newest, epochSecond));
  }

  /**
   * The cursor of the next pass: {@code max(since, newest - overlap)}, no token.
   *
   * @param newest the newest record time seen in the page that ended the pass (epoch seconds), or
   *     {@link Long#MIN_VALUE} when it had none
   */
  public WatermarkCursor advance(long newest, Duration overlap) {
    long next = newest == Long.MIN_VALUE ? since : Math.max(since, newest - overlap.getSeconds());
    return at(next);
  }

  /** The same cursor remembering the ids delivered at its watermark second. */
  public WatermarkCursor withSeen(Set<String> ids) {
    return new WatermarkCursor(key, since, token, pages, ids, newest);
  }

  /** True for a record changed at {@code epochSecond}, the watermark second, already delivered. */
  public boolean isRepeat(String id, long epochSecond) {
    return epochSecond == since && seen.contains(id);
  }

  /** As stored. */
  public Cursor cursor() {
    CursorFields f = CursorFields.empty().with(key, Long.toString(since));
    f = f.with(TOKEN, token);
    if (pages > 0) {
      f = f.with(PAGES, Integer.toString(pages));
    }
    if (!seen.isEmpty()) {
      f = f.with(SEEN, String.join(",", new java.util.TreeSet<>(seen)));
    }
    if (token != null && newest > since) {
      f = f.with(NEWEST, Long.toString(newest));
    }
    return f.cursor();
  }

  /** How far {@code epochSecond} is from the backfill start to now, 0..1. */
  public static double progress(long epochSecond, long backfillStart, Clock clock) {
    double now = clock.instant().getEpochSecond();
    return Math.min(
        1, Math.max(0, (epochSecond - backfillStart) / Math.max(1, now - backfillStart)));
  }
}
