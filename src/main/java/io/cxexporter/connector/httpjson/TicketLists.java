package io.cxexporter.connector.httpjson;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.CursorFields;
import io.cxexporter.model.Cursor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several streams of kind {@code tickets} (a ticket list, then e.g. Freshdesk's {@code
 * filter=deleted} and {@code filter=spam} lists whose items are tombstones) read as one stream,
 * named after the first: each pass reads every list to its end, in config order. Their records are
 * stored under that one name, as the store and the KPI engine key records by stream and id: a
 * tombstone from a later list removes the ticket the first list stored (under its own name it would
 * remove nothing).
 *
 * <p>The cursor keeps every list's own cursor under the list's name, plus {@code phase=<name>}
 * while a later list is being read. A list added to the config later starts at the backfill start.
 */
final class TicketLists implements Stream {
  private static final String PHASE = "phase";

  /** List name (the cursor key) → stream, in reading order. */
  private final Map<String, Stream> lists = new LinkedHashMap<>();

  private final String name;

  /** {@code streams}: at least two, the first named as the combined stream. */
  TicketLists(List<Stream> streams) {
    streams.forEach(s -> lists.put(s.name(), s));
    name = streams.get(0).name();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    CursorFields f = CursorFields.parse(from);
    if (!from.isStart() && lists.keySet().stream().allMatch(k -> f.get(k).isEmpty())) {
      throw new ConnectorException(
          ConnectorException.Kind.PERMANENT, "stored cursor is not ours: " + from.value());
    }
    List<String> order = List.copyOf(lists.keySet());
    String phase = f.get(PHASE).filter(lists::containsKey).orElse(order.get(0));
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
      progress = Math.min(p.progress(), 0.99); // the first list measures the backfill
    } else {
      progress = null;
    }
    return new Page(p.records(), next.cursor(), caughtUp, progress, p.rejected());
  }

  private static Cursor part(CursorFields f, String key) {
    return f.get(key).filter(v -> !v.isEmpty()).map(Cursor::new).orElse(Cursor.START);
  }
}
