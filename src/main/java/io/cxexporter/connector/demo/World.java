package io.cxexporter.connector.demo;

import io.cxexporter.connector.Page;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One simulation of the helpdesk and CRM, anchored at an origin: the instant the connector that
 * began the backfill was created. History starts at {@code origin - backfill}; tickets created
 * after the origin are live (and sped up when {@code speedup > 1}).
 *
 * <p>It owns the generators, the hours they have drawn so far and an {@link EventIndex} per stream.
 * Reads are serialized (the sync engine may read several streams at once, and three of them share
 * the tickets); each read first forgets the hours that no stream can need any more.
 */
final class World {
  private final DemoOptions options;
  private final long origin;
  private final long start;
  private final Map<Feed, EventIndex> indexes = new EnumMap<>(Feed.class);
  private final List<BucketCache> caches;
  private final Map<Feed, Long> positions = new EnumMap<>(Feed.class);

  World(DemoOptions options, long origin) {
    this.options = options;
    this.origin = origin;
    this.start = origin - options.backfill().toMillis();
    for (Feed f : Feed.values()) {
      indexes.put(f, new EventIndex());
    }
    WorkCalendar cal = new WorkCalendar(options.zone(), options.roundTheClock());
    this.caches =
        List.of(
            new BucketCache(new TicketGenerator(options, cal, origin, start), indexes),
            new BucketCache(new NpsGenerator(options, cal, start), indexes),
            new BucketCache(new CustomerGenerator(options, cal, start), indexes),
            new BucketCache(new DealGenerator(options, cal, start), indexes));
  }

  /** Where this simulation's live part begins, epoch milliseconds. */
  long origin() {
    return origin;
  }

  /** Where its history (the backfill) begins: {@code origin - backfill}. */
  long start() {
    return start;
  }

  /**
   * Reads the page of {@code feed} after {@code position}, as of {@code now}; {@code settled} is
   * the hint of the cursor at {@code position} ({@link DemoCursor#settled}).
   */
  synchronized Page read(Feed feed, long position, long now, long settled) {
    positions.put(feed, position);
    for (BucketCache c : caches) {
      c.forgetBefore(slowestReader(c));
    }
    return Pager.page(this, feed, position, now, options.pageSize(), settled);
  }

  /**
   * Draws whatever can change in {@code (from, to]} for {@code feed}, as of {@code now}, but no
   * hour before {@code settled} (a hint valid for this {@code from}).
   */
  void ensure(Feed feed, long from, long to, long now, long settled) {
    for (BucketCache c : caches) {
      if (c.feeds(feed)) {
        c.ensure(from, to, now, settled);
      }
    }
  }

  /**
   * The first hour whose records of {@code feed} may change after {@code t}: valid right after this
   * read's {@link #ensure} calls, for {@code t} at or after their {@code from}.
   */
  long settled(Feed feed, long t) {
    long min = Long.MAX_VALUE;
    for (BucketCache c : caches) {
      if (c.feeds(feed)) {
        min = Math.min(min, c.settled(t));
      }
    }
    return min;
  }

  /** The event index of {@code feed}. */
  EventIndex index(Feed feed) {
    return indexes.get(feed);
  }

  /** The number of drawn hours held in memory for the generators of {@code feed} (for tests). */
  synchronized int hoursHeld(Feed feed) {
    return caches.stream().filter(c -> c.feeds(feed)).mapToInt(BucketCache::size).sum();
  }

  /** The number of records held in memory by the generators of {@code feed} (for tests). */
  synchronized int recordsHeld(Feed feed) {
    return caches.stream().filter(c -> c.feeds(feed)).mapToInt(BucketCache::records).sum();
  }

  /** The earliest position any stream of {@code c} last read from; unread streams count as new. */
  private long slowestReader(BucketCache c) {
    long min = Long.MAX_VALUE;
    for (Feed f : c.feeds()) {
      min = Math.min(min, positions.getOrDefault(f, start));
    }
    return min;
  }
}
