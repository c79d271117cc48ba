package io.cxexporter.kpi;

import java.time.Instant;
import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Record ids ordered by one of their times, so a window is a range scan, not a full scan (deals;
 * tickets and surveys are scanned whole: the longest window holds nearly all of them).
 */
final class TimeIndex {
  private record Key(long millis, String id) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = Long.compare(millis, o.millis);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  private final NavigableSet<Key> keys = new TreeSet<>();

  void add(Instant t, String id) {
    if (t != null) {
      keys.add(new Key(t.toEpochMilli(), id));
    }
  }

  void remove(Instant t, String id) {
    if (t != null) {
      keys.remove(new Key(t.toEpochMilli(), id));
    }
  }

  /** Ids with a time in {@code (from, to]}, oldest first. */
  Iterable<String> range(Instant from, Instant to) {
    NavigableSet<Key> sub =
        keys.subSet(
            new Key(from.toEpochMilli(), "\uffff"),
            false,
            new Key(to.toEpochMilli(), "\uffff"),
            true);
    return () ->
        new Iterator<>() {
          private final Iterator<Key> it = sub.iterator();

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public String next() {
            return it.next().id();
          }
        };
  }

  /**
   * Ids with a time at or before {@code t}, oldest first (a copy: safe to remove while reading).
   */
  java.util.List<String> before(Instant t) {
    return keys.headSet(new Key(t.toEpochMilli(), "\uffff"), true).stream().map(Key::id).toList();
  }
}
