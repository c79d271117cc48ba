package io.cxexporter.connector.demo;

import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The events of one stream sorted by time: for every instant at which some record gets a new
 * version, the histories that change then. A page is a walk over a slice of it, so reading a page
 * costs the events in its range, not every record generated so far.
 */
final class EventIndex {
  /** Time -> a {@link History}, or a {@code History[]} when several change at the same instant. */
  private final TreeMap<Long, Object> byTime = new TreeMap<>();

  /**
   * Indexes the versions of {@code h} after {@code t} (a reader from {@code t} on needs no other).
   */
  void addAfter(History h, long t) {
    for (int i = 0; i < h.size(); i++) {
      if (h.time(i) > t) {
        byTime.merge(h.time(i), h, EventIndex::join);
      }
    }
  }

  /** Forgets every version of {@code h} (those indexed: missing ones are skipped). */
  void remove(History h) {
    for (int i = 0; i < h.size(); i++) {
      Long t = h.time(i);
      Object v = byTime.get(t);
      if (v == h) {
        byTime.remove(t);
      } else if (v instanceof History[] group) {
        History[] rest = Arrays.stream(group).filter(x -> x != h).toArray(History[]::new);
        if (rest.length == 1) {
          byTime.put(t, rest[0]);
        } else {
          byTime.put(t, rest);
        }
      }
    }
  }

  /** The event groups in {@code (after, upTo]}, oldest first (a live view). */
  NavigableMap<Long, Object> range(long after, long upTo) {
    return byTime.subMap(after, false, upTo, true);
  }

  /** The histories of one group as an array. */
  static History[] members(Map.Entry<Long, Object> group) {
    Object v = group.getValue();
    return v instanceof History h ? new History[] {h} : (History[]) v;
  }

  private static Object join(Object existing, Object added) {
    History h = (History) added;
    if (existing instanceof History e) {
      return e == h ? e : new History[] {e, h};
    }
    History[] group = (History[]) existing;
    for (History x : group) {
      if (x == h) {
        return group;
      }
    }
    History[] out = Arrays.copyOf(group, group.length + 1);
    out[group.length] = h;
    return out;
  }
}
