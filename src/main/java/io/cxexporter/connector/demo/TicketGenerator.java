package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws the tickets created in one UTC hour (with their ratings and CES answers): a Poisson number
 * of arrivals following the weekly {@link Rhythm}, each then drawn whole by {@link TicketLife}.
 *
 * <p>Ticket ids are {@code (hours since 2020-01-01) * 1000 + k} for the {@code k}-th arrival of the
 * hour, so they grow with creation time like a real helpdesk's and do not depend on any option;
 * only an hour with more than 1000 arrivals (a huge {@code tickets_per_day} or {@code speedup})
 * gives its later tickets ids like {@code 60205-1000}. Arrivals after the origin (live ones) come
 * {@code speedup} times as often and live {@code speedup} times as fast. Tickets created more than
 * {@link #WARM_UP} before the backfill start do not exist, so the first days of history start with
 * a realistic backlog rather than an empty one.
 */
final class TicketGenerator implements Generator {
  /** How long before the backfill start tickets are already arriving. */
  static final long WARM_UP = 14 * DAY;

  /** More arrivals in one hour are dropped (only reachable with absurd rates times speedup). */
  static final int MAX_PER_HOUR = (1 << 24) - 1;

  /** Hours from the epoch to 2020-01-01T00:00Z, where ticket numbering starts. */
  static final long HOUR_2020 = 438_288;

  private final long seed;
  private final double speedup;
  private final WorkCalendar cal;
  private final Rhythm rhythm;
  private final long origin;
  private final long firstHour;

  TicketGenerator(DemoOptions options, WorkCalendar cal, long origin, long start) {
    this.seed = options.seed();
    this.speedup = options.speedup();
    this.cal = cal;
    this.rhythm = Rhythm.tickets(cal, options.ticketsPerDay());
    this.origin = origin;
    this.firstHour = Math.floorDiv(start - WARM_UP, HOUR);
  }

  /** The id of the {@code k}-th ticket created in {@code hour}. */
  static String id(long hour, int k) {
    long h = hour - HOUR_2020;
    return k < 1000 ? Long.toString(h * 1000 + k) : h + "-" + k;
  }

  @Override
  public Set<Feed> feeds() {
    return EnumSet.of(Feed.TICKETS, Feed.SATISFACTION_RATINGS, Feed.SURVEYS);
  }

  @Override
  public long firstHour() {
    return firstHour;
  }

  @Override
  public long reach(long hour) {
    boolean live = hour * HOUR > origin;
    return live && speedup > 1 ? (long) Math.ceil(maxReach() / speedup) : maxReach();
  }

  @Override
  public long maxReach() {
    return TicketLife.MAX_LIFETIME;
  }

  @Override
  public List<History> generate(long hour) {
    if (hour < firstHour) {
      return List.of();
    }
    long from = hour * HOUR;
    long to = from + HOUR;
    SplittableRandom r = Rng.of(seed, Rng.TICKET_ARRIVALS, hour);
    double mean = rhythm.expected(from);
    long[] times;
    if (speedup == 1 || to <= origin + 1) {
      times = Rng.arrivals(r, mean, from, to); // history: independent of the origin
    } else if (from > origin) {
      times = Rng.arrivals(r, mean * speedup, from, to);
    } else {
      double before = (origin + 1 - from) / (double) HOUR;
      long[] a = Rng.arrivals(r, mean * before, from, origin + 1);
      long[] b = Rng.arrivals(r, mean * speedup * (1 - before), origin + 1, to);
      times = new long[a.length + b.length];
      System.arraycopy(a, 0, times, 0, a.length);
      System.arraycopy(b, 0, times, a.length, b.length);
    }
    List<History> out = new ArrayList<>(times.length * 2);
    int n = Math.min(times.length, MAX_PER_HOUR);
    for (int k = 0; k < n; k++) {
      double pace = times[k] > origin ? speedup : 1;
      long key = (hour << 24) + k; // unique per ticket
      TicketLife.draw(seed, key, id(hour, k), times[k], pace, cal, out);
    }
    return out;
  }
}
