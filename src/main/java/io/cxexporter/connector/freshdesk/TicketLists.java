package io.cxexporter.connector.freshdesk;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.CursorFields;
import io.cxexporter.model.Cursor;

/**
 * The {@code tickets} stream: each pass reads the ticket list to its end, then the deleted tickets'
 * list ({@code filter=deleted}) to its end, so the tombstones are stored under the same stream as
 * the tickets they delete (the store and the KPI engine key records by stream and id). The cursor
 * keeps both lists' watermarks: {@code live=<tickets cursor>;deleted=<deleted cursor>}, plus {@code
 * phase=deleted} while the second list is being read.
 */
final class TicketsAndDeleted implements Stream {
  private static final String LIVE = "live";
  private static final String DELETED = "deleted";
  private static final String PHASE = "phase";

  private final Stream live;
  private final Stream deleted;

  TicketsAndDeleted(Stream live, Stream deleted) {
    this.live = live;
    this.deleted = deleted;
  }

  @Override
  public String name() {
    return "tickets";
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    CursorFields f = CursorFields.parse(from);
    if (!from.isStart() && f.get(LIVE).isEmpty() && f.get(DELETED).isEmpty()) {
      throw new ConnectorException(
          ConnectorException.Kind.PERMANENT, "stored cursor is not ours: " + from.value());
    }
    if (f.get(PHASE).filter(DELETED::equals).isPresent()) {
      Page p = deleted.read(part(f, DELETED));
      CursorFields next =
          f.with(DELETED, p.next().value()).with(PHASE, p.caughtUp() ? null : DELETED);
      return new Page(
          p.records(), next.cursor(), p.caughtUp(), p.caughtUp() ? 1.0 : null, p.rejected());
    }
    Page p = live.read(part(f, LIVE));
    CursorFields next = f.with(LIVE, p.next().value()).with(PHASE, p.caughtUp() ? DELETED : null);
    Double progress = p.progress() == null ? null : Math.min(p.progress(), 0.99);
    return new Page(p.records(), next.cursor(), false, progress, p.rejected());
  }

  private static Cursor part(CursorFields f, String key) {
    return f.get(key).filter(v -> !v.isEmpty()).map(Cursor::new).orElse(Cursor.START);
  }
}
