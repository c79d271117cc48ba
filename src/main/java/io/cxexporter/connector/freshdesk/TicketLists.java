package io.cxexporter.connector.freshdesk;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.CursorFields;
import io.cxexporter.model.Cursor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tickets} stream: each pass reads the ticket list to its end, then the deleted tickets'
 * list ({@code filter=deleted}), then the spam list ({@code filter=spam}), each to its end. The
 * last two yield tombstones, stored under the same stream as the tickets they remove (the store and
 * the KPI engine key records by stream and id; a ticket restored from the trash or marked not spam
 * comes back through the ticket list with a newer {@code updated_at}, which wins).
 *
 * <p>The cursor keeps every list's own cursor: {@code live=...;deleted=...;spam=...}, plus {@code
 * phase=deleted} or {@code phase=spam} while a later list is being read. A cursor stored before a
 * list existed (no {@code spam=} part) starts that list at the backfill start.
 */
final class TicketLists implements Stream {
  private static final String PHASE = "phase";

  /** List name (the cursor key) → stream, in reading order; the first is the ticket list. */
  private final Map<String, Stream> lists = new LinkedHashMap<>();

  private final String first;

  TicketLists(Stream live, Stream deleted, Stream spam) {
    lists.put("live", live);
    lists.put("deleted", deleted);
    lists.put("spam", spam);
    first = "live";
  }

  @Override
  public String name() {
    return "tickets";
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    CursorFields f = CursorFields.parse(from);
    if (!from.isStart() && lists.keySet().stream().allMatch(k -> f.get(k).isEmpty())) {
      throw new ConnectorException(
          ConnectorException.Kind.PERMANENT, "stored cursor is not ours: " + from.value());
    }
    String phase = f.get(PHASE).filter(lists::containsKey).orElse(first);
    List<String> order = List.copyOf(lists.keySet());
    int at = order.indexOf(phase);
    Page p = lists.get(phase).read(part(f, phase));
    boolean last = at == order.size() - 1;
    String nextPhase = !p.caughtUp() ? (at == 0 ? null : phase) : last ? null : order.get(at + 1);
    CursorFields next = f.with(phase, p.next().value()).with(PHASE, nextPhase);
    boolean caughtUp = last && p.caughtUp();
    Double progress;
    if (caughtUp) {
      progress = 1.0;
    } else if (at == 0 && p.progress() != null) {
      progress = Math.min(p.progress(), 0.99); // the ticket list measures the backfill
    } else {
      progress = null;
    }
    return new Page(p.records(), next.cursor(), caughtUp, progress, p.rejected());
  }

  private static Cursor part(CursorFields f, String key) {
    return f.get(key).filter(v -> !v.isEmpty()).map(Cursor::new).orElse(Cursor.START);
  }
}
