package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hours of one {@link Generator} that are drawn and indexed right now. {@link #ensure} draws
 * the hours a read needs (lazily, and again when what it needs was forgotten); {@link
 * #forgetBefore} drops what no reader can need any more, so a long live run keeps a bounded window
 * in memory.
 *
 * <p>Forgetting works on two levels: a whole hour once none of its records can change after the
 * slowest reader's position, and inside an hour every record whose last version is at or before
 * that position (and, of the records that stay, the versions before it). Each hour remembers up to
 * when it is incomplete, and a read from before that draws the hour again, so forgetting never
 * changes what a read returns.
 *
 * <p>Nor is the far future held: an hour is drawn as of the read's {@code now} and keeps only the
 * versions up to {@link #HORIZON} after it. A customer churns years after it is drawn, and a
 * ticket's last versions come days after its first: a thousand demo connectors held 150 MB of such
 * versions (issue 18). A read past the horizon draws the hour again, about once a day.
 */
final class BucketCache {
  /** In {@link #dropped}: the hour is not held (never drawn, or forgotten whole). */
  private static final long NOT_HELD = Long.MIN_VALUE;

  private final Generator generator;
  private final Map<Feed, EventIndex> indexes;

  /**
   * Per held hour, the instant up to which its dropped records had all ended ({@link #NOT_HELD} for
   * the others): hour {@code offset + i} at index {@code i}. A dense array, because most held hours
   * keep no record at all (a ticket hour of a small team is empty after a week, yet must stay held
   * for the 50 days its tickets could change): 16 bytes an hour (with {@link #until}) instead of a
   * map entry, a boxed key, an hour object and its list (about 150 bytes, 0.5 MB per demo
   * connector).
   */
  private long[] dropped = new long[64];

  /** Per held hour (same indexes as {@link #dropped}): the instant up to which it is drawn. */
  private long[] until = new long[64];

  /**
   * Per held hour: the last change of any record born in it, drawn or not (a record can change
   * after the horizon): after it, the hour is settled ({@link #settled}).
   */
  private long[] lastChange = new long[64];

  /** How far past the read's {@code now} an hour is drawn. */
  static final long HORIZON = DAY;

  private long offset;

  /** Indexes below this are not held (forgetting moves it up, the array sheds them when full). */
  private int low;

  /** Indexes from this on are not held: one past the highest hour ever held. */
  private int high;

  /** The records kept, only for the held hours that keep any. */
  private final HashMap<Long, List<History>> kept = new HashMap<>();

  private long prunedAt = Long.MIN_VALUE;

  BucketCache(Generator generator, Map<Feed, EventIndex> indexes) {
    this.generator = generator;
    this.indexes = indexes;
    this.offset = generator.firstHour();
    Arrays.fill(dropped, NOT_HELD);
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
   * missing, that dropped records which still change after {@code from}, or that were drawn up to
   * an instant before {@code now}; those drawn now are drawn up to {@code now +} {@link #HORIZON}.
   */
  void ensure(long from, long to, long now, long settled) {
    long reach = generator.maxReach();
    long first = Math.max(generator.firstHour(), settled);
    if (reach != Generator.UNBOUNDED) {
      first = Math.max(first, Math.floorDiv(from - reach, HOUR) - 1);
    }
    long last = Math.floorDiv(to, HOUR);
    for (long h = first; h <= last; h++) {
      long held = droppedUpTo(h);
      // drawn again once now passes its horizon, not only once to does: a read's later chunks
      // then never draw again what its first chunk took
      long horizon = Math.max(to, now);
      if (held == NOT_HELD
          ? reaches(h, from)
          : held > from || until[(int) (h - offset)] < horizon) {
        if (held != NOT_HELD) {
          unindex(h);
        }
        draw(h, from, horizon);
      }
    }
  }

  /** Forgets the records (and whole hours) that stopped changing at or before {@code t}. */
  void forgetBefore(long t) {
    if (t < prunedAt + HOUR) {
      return; // little has changed since the last pass (or a reader went back)
    }
    prunedAt = t;
    long lastHour = Math.floorDiv(t, HOUR);
    for (int i = low; i < high && offset + i <= lastHour; i++) {
      long h = offset + i;
      long held = dropped[i];
      if (held == NOT_HELD) {
        continue;
      }
      if (!reaches(h, t)) {
        unindex(h);
        dropped[i] = NOT_HELD;
      } else if (held < t) {
        List<History> records = kept.get(h);
        if (records != null) {
          records.removeIf(
              x -> {
                boolean done = x.lastTime() <= t;
                if (done) {
                  indexes.get(x.feed()).remove(x);
                }
                return done;
              });
          records.replaceAll(x -> shorten(x, t));
          if (records.isEmpty()) {
            kept.remove(h);
          }
        }
        dropped[i] = t;
      }
    }
    while (low < high && dropped[low] == NOT_HELD) {
      low++;
    }
  }

  /**
   * {@code x} without the versions before {@code t} and without their index entries: a read from
   * before {@code t} draws the hour again (its {@code droppedUpTo} is then {@code t}), so only
   * readers from {@code t} on see what stays. A ticket of the demo goes through a dozen versions
   * and stays for days after most of them, until it is closed.
   */
  private History shorten(History x, long t) {
    History shorter = x.from(t);
    if (shorter == x && x.time(0) > t) {
      return x; // nothing before t
    }
    EventIndex index = indexes.get(x.feed());
    index.remove(x);
    index.addAfter(shorter, t);
    return shorter;
  }

  /**
   * The first hour whose records may change after {@code t}: every record born before it had its
   * last change at or before {@code t}. Valid right after {@link #ensure} ran for a {@code from} at
   * or before {@code t} (every hour that reaches {@code from} is then held, with its {@link
   * #lastChange}); never after the hour of {@code t}.
   */
  long settled(long t) {
    long limit = Math.floorDiv(t, HOUR);
    for (int i = low; i < high && offset + i < limit; i++) {
      if (dropped[i] != NOT_HELD && lastChange[i] > t) {
        return offset + i;
      }
    }
    return limit;
  }

  /** The number of hours held. */
  int size() {
    int n = 0;
    for (int i = low; i < high; i++) {
      n += dropped[i] == NOT_HELD ? 0 : 1;
    }
    return n;
  }

  /** The number of records held. */
  int records() {
    return kept.values().stream().mapToInt(List::size).sum();
  }

  /** The held hour's {@code droppedUpTo}, or {@link #NOT_HELD}. */
  private long droppedUpTo(long hour) {
    long i = hour - offset;
    return i < low || i >= high ? NOT_HELD : dropped[(int) i];
  }

  /**
   * Draws {@code hour} and indexes the records that still change after {@code from}, without their
   * versions before it (as {@link #shorten} leaves them) nor those after {@code now +} {@link
   * #HORIZON}.
   */
  private void draw(long hour, long from, long now) {
    long horizon = now > Long.MAX_VALUE - HORIZON ? Long.MAX_VALUE : now + HORIZON;
    List<History> records = new ArrayList<>();
    long last = Long.MIN_VALUE;
    for (History x : generator.generate(hour)) {
      last = Math.max(last, x.lastTime());
      if (x.lastTime() > from) {
        // a read from before from draws the hour again, so what stays starts at from (shorten);
        // a read past the horizon does too, so nothing after it stays
        History kept = x.from(from).until(horizon);
        if (kept == null || kept.lastTime() <= from) {
          continue;
        }
        indexes.get(x.feed()).addAfter(kept, from);
        records.add(kept);
      }
    }
    if (records.isEmpty()) {
      kept.remove(hour);
    } else {
      ((ArrayList<History>) records).trimToSize();
      kept.put(hour, records);
    }
    hold(hour, from, horizon, last);
  }

  /**
   * Marks {@code hour} held with {@code droppedUpTo}, drawn up to {@code heldUntil}, its records'
   * last change at {@code last}.
   */
  private void hold(long hour, long droppedUpTo, long heldUntil, long last) {
    if (hour < offset) {
      // not reached through ensure (it starts at the generator's first hour); kept for safety
      int shift = (int) (offset - hour);
      long[] grown = new long[Math.max(dropped.length, high + shift) * 2];
      Arrays.fill(grown, NOT_HELD);
      System.arraycopy(dropped, 0, grown, shift, high);
      dropped = grown;
      long[] grownUntil = new long[grown.length];
      System.arraycopy(until, 0, grownUntil, shift, high);
      until = grownUntil;
      long[] grownLast = new long[grown.length];
      System.arraycopy(lastChange, 0, grownLast, shift, high);
      lastChange = grownLast;
      offset = hour;
      low = 0;
      high += shift;
    }
    long i = hour - offset;
    if (i >= dropped.length) {
      if (low > 0) {
        // the forgotten head goes first: bounded generators then stay in a bounded array
        System.arraycopy(dropped, low, dropped, 0, high - low);
        System.arraycopy(until, low, until, 0, high - low);
        System.arraycopy(lastChange, low, lastChange, 0, high - low);
        Arrays.fill(dropped, high - low, high, NOT_HELD);
        offset += low;
        high -= low;
        i -= low;
        low = 0;
      }
      if (i >= dropped.length) {
        long[] grown = new long[(int) Math.max(dropped.length * 2L, i + 1)];
        Arrays.fill(grown, NOT_HELD);
        System.arraycopy(dropped, 0, grown, 0, high);
        dropped = grown;
        until = Arrays.copyOf(until, grown.length);
        lastChange = Arrays.copyOf(lastChange, grown.length);
      }
    }
    int at = (int) i;
    dropped[at] = droppedUpTo;
    until[at] = heldUntil;
    lastChange[at] = last;
    if (at >= high) {
      high = at + 1;
    }
    if (at < low) {
      low = at;
    }
  }

  private void unindex(long hour) {
    List<History> records = kept.remove(hour);
    if (records != null) {
      for (History x : records) {
        indexes.get(x.feed()).remove(x);
      }
    }
  }

  /** True when records born in {@code hour} can still change after {@code t}. */
  private boolean reaches(long hour, long t) {
    long reach = generator.reach(hour);
    return reach == Generator.UNBOUNDED || (hour + 1) * HOUR + reach > t;
  }
}
