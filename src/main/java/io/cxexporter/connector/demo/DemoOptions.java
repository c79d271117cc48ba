package io.cxexporter.connector.demo;

import io.cxexporter.config.Settings;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The demo connector's options, validated. Read them with {@link #read(Settings)}, which reports
 * every bad value through the settings and falls back to the default for it.
 *
 * <pre>{@code
 * connectors:
 *   - {name: demo, type: demo, backfill: 30d, seed: 42, tickets_per_day: 240, speedup: 1,
 *      timezone: Europe/Ljubljana, team_hours: office, page_size: 500}
 * }</pre>
 *
 * @param backfill how much history exists before the connector was created (1h..400d)
 * @param seed the seed every random draw derives from
 * @param ticketsPerDay mean ticket arrivals per calendar day, averaged over a week; memory grows
 *     with it and with speedup (about 1 KB per record that can still change: a few MB at the
 *     default 240)
 * @param speedup for live tickets only (created after the connector was created): their arrival
 *     rate is multiplied and their lifecycle durations divided by it, so an audience sees movement
 *     quickly; with {@code speedup > 1} live tickets are answered and solved unrealistically fast
 * @param zone where the team works Mon-Fri 08:00-17:00
 * @param roundTheClock {@code team_hours: 24x7}: the team works every hour of every day (a
 *     follow-the-sun desk), so live tickets move at any time of day; {@code office} (default) is
 *     Mon-Fri 08:00-17:00
 * @param pageSize the most distinct records in one page
 */
record DemoOptions(
    Duration backfill,
    long seed,
    int ticketsPerDay,
    double speedup,
    ZoneId zone,
    boolean roundTheClock,
    int pageSize) {
  static final Duration MIN_BACKFILL = Duration.ofHours(1);
  static final Duration MAX_BACKFILL = Duration.ofDays(400);

  /** The defaults: 30 days of 240 tickets a day in Ljubljana, seed 42, pages of 500. */
  static DemoOptions defaults() {
    return new DemoOptions(
        Duration.ofDays(30), 42, 240, 1, ZoneId.of("Europe/Ljubljana"), false, 500);
  }

  /** Reads the options from a {@code connectors[i]} block; problems go to the settings. */
  static DemoOptions read(Settings s) {
    DemoOptions d = defaults();
    Duration backfill = s.duration("backfill", d.backfill());
    if (backfill.compareTo(MIN_BACKFILL) < 0 || backfill.compareTo(MAX_BACKFILL) > 0) {
      s.problem(
          "backfill", "must be between 1h and 400d, got " + Settings.formatDuration(backfill));
      backfill = d.backfill();
    }
    long seed = s.longValue("seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE);
    int perDay = s.intValue("tickets_per_day", d.ticketsPerDay(), 1, 100_000);
    double speedup = s.optionalDouble("speedup").orElse(d.speedup());
    if (speedup < 1 || speedup > 1000) {
      s.problem("speedup", "must be between 1 and 1000, got " + number(speedup));
      speedup = d.speedup();
    }
    String zoneName = s.string("timezone", d.zone().getId());
    ZoneId zone = d.zone();
    try {
      zone = ZoneId.of(zoneName);
    } catch (DateTimeException e) {
      s.problem("timezone", "unknown time zone \"" + zoneName + "\"");
    }
    String hours = s.string("team_hours", "office");
    if (!hours.equals("office") && !hours.equals("24x7")) {
      s.problem("team_hours", "expected office or 24x7, got \"" + hours + "\"");
    }
    int pageSize = s.intValue("page_size", d.pageSize(), 1, 10_000);
    return new DemoOptions(backfill, seed, perDay, speedup, zone, hours.equals("24x7"), pageSize);
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
