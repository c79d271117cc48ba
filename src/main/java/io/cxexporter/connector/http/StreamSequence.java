package io.cxexporter.connector.http;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several lists read as one stream: each pass reads every list to its end, in order. Their records
 * are stored under the one stream's name, as the store and the KPI engine key records by stream and
 * id, so a tombstone from a later list (Freshdesk's {@code filter=deleted} and {@code filter=spam}
 * lists) removes the ticket the first list stored; under its own name it would remove nothing.
 *
 * <pre>{@code
 * LinkedHashMap<String, Stream> lists = new LinkedHashMap<>();
 * lists.put("live", live);
 * lists.put("deleted", deleted);
 * StreamSequence.of("tickets", lists);
 * }</pre>
 *
 * <p>The cursor keeps every list's own cursor under the list's key ({@code live=...;deleted=...}),
 * plus {@code phase=<key>} while a later list is being read. A list added later (a cursor without
 * its part) starts at the backfill start. The first list measures backfill progress.
 */
public final class StreamSequence implements Stream {
  private static final String PHASE = "phase";

  /** List key (in the cursor) → stream, in reading order. */
  private final Map<String, Stream> lists;

  private final String name;

  private StreamSequence(String name, Map<String, Stream> lists) {
    if (lists.size() < 2) {
      throw new IllegalArgumentException("a sequence has at least two lists: " + lists.keySet());
    }
    this.name = name;
    this.lists = lists;
  }

  /**
   * The lists of {@code keyed} (key → stream, in reading order) as one stream named {@code name}.
   *
   * @throws IllegalArgumentException for fewer than two lists, or a key named {@code phase}
   */
  public static StreamSequence of(String name, LinkedHashMap<String, Stream> keyed) {
    if (keyed.containsKey(PHASE)) {
      throw new IllegalArgumentException("\"phase\" is the sequence's own cursor key");
    }
    return new StreamSequence(name, new LinkedHashMap<>(keyed));
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
