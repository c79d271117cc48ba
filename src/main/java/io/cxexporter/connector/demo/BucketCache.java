package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.HOUR;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hours of one {@link Generator} that are drawn and indexed right now. {@link #ensure} draws
 * the hours a read needs (lazily, and again when what it needs was forgotten); {@link
 * #forgetBefore} drops what no reader can need any more, so a long live run keeps a bounded window
 * in memory.
 *
 * <p>Forgetting works on two levels: a whole hour once none of its records can change after the
 * slowest reader's position, and inside an hour every record whose last version is at or before
 * that position. Each hour remembers up to when it is incomplete, and a read from before that draws
 * the hour again, so forgetting never changes what a read returns.
 */
final class BucketCache {
  private final Generator generator;
  private final Map<Feed, EventIndex> indexes;
  private final TreeMap<Long, Hour> hours = new TreeMap<>();
  private long prunedAt = Long.MIN_VALUE;

  /** One drawn hour: the records kept, and the instant up to which dropped ones had all ended. */
  private static final class Hour {
    final List<History> kept = new ArrayList<>();
    long droppedUpTo;

    Hour(long droppedUpTo) {
      this.droppedUpTo = droppedUpTo;
    }
  }

  BucketCache(Generator generator, Map<Feed, EventIndex> indexes) {
    this.generator = generator;
    this.indexes = indexes;
  }

  /** True when this cache draws records of {@code feed}. */
  boolean feeds(Feed feed) {
    return generator.feeds().contains(feed);
  }

  /** The streams this cache draws records of. */
  Iterable<Feed> feeds() {
    return generator.feeds();
  }

  /**
   * Makes sure every record that changes in {@code (from, to]} is indexed: draws the hours that are
   * missing, or that dropped records which still change after {@code from}.
   */
  void ensure(long from, long to) {
    long reach = generator.maxReach();
    long first = generator.firstHour();
    if (reach != Generator.UNBOUNDED) {
      first = Math.max(first, Math.floorDiv(from - reach, HOUR) - 1);
    }
    long last = Math.floorDiv(to, HOUR);
    for (long h = first; h <= last; h++) {
      Hour held = hours.get(h);
      if (held == null ? reaches(h, from) : held.droppedUpTo > from) {
        if (held != null) {
          unindex(held);
        }
        hours.put(h, draw(h, from));
      }
    }
  }

  /** Forgets the records (and whole hours) that stopped changing at or before {@code t}. */
  void forgetBefore(long t) {
    if (t < prunedAt + HOUR) {
      return; // little has changed since the last pass (or a reader went back)
    }
    prunedAt = t;
    Iterator<Map.Entry<Long, Hour>> it =
        hours.headMap(Math.floorDiv(t, HOUR), true).entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Hour> e = it.next();
      Hour held = e.getValue();
      if (!reaches(e.getKey(), t)) {
        unindex(held);
        it.remove();
      } else if (held.droppedUpTo < t) {
        held.kept.removeIf(
            x -> {
              boolean done = x.lastTime() <= t;
              if (done) {
                indexes.get(x.feed()).remove(x);
              }
              return done;
            });
        held.droppedUpTo = t;
      }
    }
  }

  /** The number of hours held. */
  int size() {
    return hours.size();
  }

  /** The number of records held. */
  int records() {
    return hours.values().stream().mapToInt(h -> h.kept.size()).sum();
  }

  /** Draws {@code hour} and indexes the records that still change after {@code from}. */
  private Hour draw(long hour, long from) {
    Hour out = new Hour(from);
    for (History x : generator.generate(hour)) {
      if (x.lastTime() > from) {
        indexes.get(x.feed()).add(x);
        out.kept.add(x);
      }
    }
    return out;
  }

  private void unindex(Hour held) {
    for (History x : held.kept) {
      indexes.get(x.feed()).remove(x);
    }
  }

  /** True when records born in {@code hour} can still change after {@code t}. */
  private boolean reaches(long hour, long t) {
    long reach = generator.reach(hour);
    return reach == Generator.UNBOUNDED || (hour + 1) * HOUR + reach > t;
  }
}
