package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.HashMap;
import java.util.Map;

/**
 * The simulated team's local time and working hours: Monday to Friday, 08:00-17:00 in the
 * configured time zone (no holidays), or every hour of every day for a round-the-clock team. Agents
 * act only in working time, so {@link #plusWorking} turns "45 minutes of work" into the instant it
 * is done, skipping nights and weekends.
 *
 * <pre>{@code
 * WorkCalendar cal = new WorkCalendar(ZoneId.of("Europe/Ljubljana"));
 * long reply = cal.plusWorking(createdAt, 45 * Rng.MINUTE); // Friday 22:00 -> Monday 08:45
 * }</pre>
 *
 * <p>Times are epoch milliseconds. Not thread-safe: each simulation owns one.
 */
final class WorkCalendar {
  private static final LocalTime OPEN = LocalTime.of(8, 0);
  private static final LocalTime CLOSE = LocalTime.of(17, 0);
  private static final int MAX_CACHED_DAYS = 4096;

  private final ZoneId zone;
  private final ZoneRules rules;
  private final boolean roundTheClock;

  /**
   * The span {@code [offsetFrom, offsetUntil)} of instants with the UTC offset {@code offset} (ms),
   * from the last {@link #localMillis} that asked the zone rules: between two transitions the
   * offset does not change, and asking the rules for every instant (a map look-up of the year's
   * transitions) was a fifth of a demo connector's drawing.
   */
  private long offsetFrom = 1;

  private long offsetUntil = 0;
  private long offset;

  /** Per local epoch day: {midnight, next midnight, open, close}; open = close = -1 on weekends. */
  private final Map<Long, long[]> days = new HashMap<>();

  WorkCalendar(ZoneId zone) {
    this(zone, false);
  }

  WorkCalendar(ZoneId zone, boolean roundTheClock) {
    this.zone = zone;
    this.rules = zone.getRules();
    this.roundTheClock = roundTheClock;
  }

  /** The local date of {@code t}, as days since 1970-01-01. */
  long localDay(long t) {
    return Math.floorDiv(localMillis(t), DAY);
  }

  /** The local hour of day of {@code t}, 0-23. */
  int localHour(long t) {
    return (int) (Math.floorMod(localMillis(t), DAY) / HOUR);
  }

  /** The local day of week of {@code t}: 0 = Monday ... 6 = Sunday. */
  int dayOfWeek(long t) {
    return Math.floorMod(localDay(t) + 3, 7); // 1970-01-01 was a Thursday
  }

  /** True when {@code t} is inside working hours. */
  boolean isWorking(long t) {
    long[] d = day(localDay(t));
    return d[2] >= 0 && t >= d[2] && t < d[3];
  }

  /**
   * The instant at which {@code work} milliseconds of working time, counted from {@code from}, have
   * passed. With {@code work = 0} it is the next moment the team is at work.
   */
  long plusWorking(long from, long work) {
    long t = from;
    long left = Math.max(0, work);
    for (int guard = 0; guard < 100_000; guard++) {
      long[] d = day(localDay(t));
      if (d[2] >= 0 && t < d[3]) {
        if (t < d[2]) {
          t = d[2];
        }
        long available = d[3] - t;
        if (left <= available) {
          return t + left;
        }
        left -= available;
      }
      t = d[1];
    }
    return t + left;
  }

  /** The working time between {@code from} and {@code to} (0 when {@code to <= from}). */
  long workingMillis(long from, long to) {
    long total = 0;
    long t = from;
    for (int guard = 0; t < to && guard < 100_000; guard++) {
      long[] d = day(localDay(t));
      if (d[2] >= 0) {
        long a = Math.max(t, d[2]);
        long b = Math.min(to, d[3]);
        total += Math.max(0, b - a);
      }
      t = d[1];
    }
    return total;
  }

  private long localMillis(long t) {
    if (t < offsetFrom || t >= offsetUntil) {
      Instant at = Instant.ofEpochMilli(t);
      ZoneOffset o = rules.getOffset(at);
      ZoneOffsetTransition next = rules.nextTransition(at);
      ZoneOffsetTransition previous = rules.previousTransition(at);
      offset = o.getTotalSeconds() * 1000L;
      offsetUntil = next == null ? Long.MAX_VALUE : next.getInstant().toEpochMilli();
      if (previous != null) {
        // a transition exactly at t may not count as previous: then the offsets differ
        offsetFrom = previous.getOffsetAfter().equals(o) ? previous.getInstant().toEpochMilli() : t;
      } else {
        offsetFrom = rules.isFixedOffset() ? Long.MIN_VALUE : t;
      }
    }
    return t + offset;
  }

  private long[] day(long epochDay) {
    long[] d = days.get(epochDay);
    if (d == null) {
      if (days.size() >= MAX_CACHED_DAYS) {
        days.clear();
      }
      LocalDate date = LocalDate.ofEpochDay(epochDay);
      long midnight = date.atStartOfDay(zone).toInstant().toEpochMilli();
      long next = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
      boolean weekday = Math.floorMod(epochDay + 3, 7) < 5;
      long open = weekday ? date.atTime(OPEN).atZone(zone).toInstant().toEpochMilli() : -1;
      long close = weekday ? date.atTime(CLOSE).atZone(zone).toInstant().toEpochMilli() : -1;
      d =
          roundTheClock
              ? new long[] {midnight, next, midnight, next}
              : new long[] {midnight, next, open, close};
      days.put(epochDay, d);
    }
    return d;
  }
}
