package io.cxexporter.kpi;

import io.cxexporter.model.Record;
import io.cxexporter.store.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The store's upsert rule in memory, for {@link KpiDifferentialTest}: per stream and id the newest
 * {@code updatedAt} wins, an older version arriving late and an identical re-delivery are no
 * change, tombstones are kept. {@link io.cxexporter.store.Store#apply} is the original.
 */
final class FuzzStore {
  private final Map<String, Map<String, Record>> streams = new LinkedHashMap<>();

  /** Upserts a page; returns the changes in page order, as {@code Store.apply} does. */
  List<Change> apply(String stream, List<Record> records) {
    Map<String, Record> kept = streams.computeIfAbsent(stream, k -> new LinkedHashMap<>());
    List<Change> changes = new ArrayList<>();
    for (Record r : records) {
      Record old = kept.get(r.id());
      if (old != null
          && (old.updatedAt().toEpochMilli() > r.updatedAt().toEpochMilli() || old.equals(r))) {
        continue;
      }
      kept.put(r.id(), r);
      changes.add(new Change(stream, old, r));
    }
    return changes;
  }

  /** Every kept version, tombstones too, as {@code Store.forEach} hands them to a load. */
  void forEach(BiConsumer<String, Record> action) {
    streams.forEach((stream, kept) -> kept.values().forEach(r -> action.accept(stream, r)));
  }
}
