package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;

import io.cxexporter.connector.Page;
import io.cxexporter.model.Record;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a page out of a stream's events. A page after position {@code p} covers {@code (p, t1]}: the
 * events in {@code (p, now]} are taken in time order until {@code pageSize} distinct records are
 * reached, never splitting the events of one instant, and {@code t1} is the last taken instant.
 * Each record that changed in the range is delivered once, as it is at {@code t1}, oldest change
 * first. When nothing newer than {@code t1} exists the page is caught up and the next position is
 * {@code now}.
 *
 * <p>Only a group of more than {@code pageSize} records changing at the very same millisecond can
 * make a page larger than {@code pageSize}: it is delivered whole, so reading always progresses.
 */
final class Pager {
  /** How much time is drawn and scanned at once while filling a page. */
  private static final long CHUNK = DAY;

  private static final Comparator<Record> OLDEST_CHANGE_FIRST =
      Comparator.comparing(Record::updatedAt).thenComparing(Record::id);

  private Pager() {}

  static Page page(World world, Feed feed, long position, long now, int pageSize, long settled) {
    if (position >= now) {
      return new Page(List.of(), cursor(world, position, settled), true, 1.0);
    }
    Set<History> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<History> taken = new ArrayList<>();
    long last = position;
    boolean full = false;
    long scanned = position;
    while (!full && scanned < now) {
      long upTo = now - scanned > CHUNK ? scanned + CHUNK : now;
      world.ensure(feed, scanned, upTo, now, settled);
      for (Map.Entry<Long, Object> group : world.index(feed).range(scanned, upTo).entrySet()) {
        History[] members = EventIndex.members(group);
        int fresh = 0;
        for (History h : members) {
          fresh += seen.contains(h) ? 0 : 1;
        }
        if (!taken.isEmpty() && taken.size() + fresh > pageSize) {
          full = true;
          break;
        }
        for (History h : members) {
          if (seen.add(h)) {
            taken.add(h);
          }
        }
        last = group.getKey();
      }
      scanned = upTo;
    }
    long asOf = full ? last : now;
    List<Record> records = new ArrayList<>(taken.size());
    for (History h : taken) {
      records.add(h.at(asOf));
    }
    records.sort(OLDEST_CHANGE_FIRST);
    double progress = full ? progress(world.start(), last, now) : 1.0;
    return new Page(records, cursor(world, asOf, world.settled(feed, asOf)), !full, progress);
  }

  private static double progress(long start, long at, long now) {
    if (now <= start) {
      return 1.0;
    }
    return Math.max(0, Math.min(1, (at - start) / (double) (now - start)));
  }

  private static io.cxexporter.model.Cursor cursor(World world, long position, long settled) {
    return new DemoCursor(position, world.origin(), settled).encode();
  }
}
