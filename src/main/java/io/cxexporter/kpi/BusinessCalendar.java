package io.cxexporter.kpi;

import io.cxexporter.config.BusinessHoursConfig;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Business-hours arithmetic over a weekly schedule with holidays, in the schedule's time zone
 * (daylight-saving changes included).
 *
 * <pre>{@code
 * BusinessCalendar cal = BusinessCalendar.of(config.kpi().businessHours());
 * long s = cal.seconds(createdAt, firstReplyAt);          // business seconds between the two
 * Instant due = cal.plus(createdAt, Duration.ofHours(8));  // 8 business hours later
 * }</pre>
 */
public final class BusinessCalendar {
  /** How far {@link #plus} searches for open hours before it gives up. */
  private static final int MAX_DAYS = 3700;

  private final ZoneId zone;
  private final Map<DayOfWeek, List<BusinessHoursConfig.Interval>> week;
  private final Set<LocalDate> holidays;

  private BusinessCalendar(
      ZoneId zone, Map<DayOfWeek, List<BusinessHoursConfig.Interval>> week, Set<LocalDate> h) {
    this.zone = zone;
    this.week = new EnumMap<>(DayOfWeek.class);
    this.week.putAll(week);
    this.holidays = Set.copyOf(h);
  }

  /** The calendar of a validated config block. */
  public static BusinessCalendar of(BusinessHoursConfig c) {
    return new BusinessCalendar(c.zone(), c.week(), c.holidays());
  }

  /** Business seconds in {@code [from, to)}; 0 when {@code to} is not after {@code from}. */
  public long seconds(Instant from, Instant to) {
    if (!to.isAfter(from)) {
      return 0;
    }
    long total = 0;
    LocalDate last = to.atZone(zone).toLocalDate();
    for (LocalDate d = from.atZone(zone).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
      for (BusinessHoursConfig.Interval i : intervals(d)) {
        Instant s = start(d, i);
        Instant e = end(d, i);
        Instant a = s.isAfter(from) ? s : from;
        Instant b = e.isBefore(to) ? e : to;
        if (b.isAfter(a)) {
          total += Duration.between(a, b).getSeconds();
        }
      }
    }
    return total;
  }

  /**
   * The instant {@code amount} of business time after {@code from}. When the schedule has no open
   * hours for ten years, returns ten years after {@code from}.
   */
  public Instant plus(Instant from, Duration amount) {
    Duration left = amount;
    LocalDate d = from.atZone(zone).toLocalDate();
    for (int n = 0; n < MAX_DAYS; n++, d = d.plusDays(1)) {
      for (BusinessHoursConfig.Interval i : intervals(d)) {
        Instant s = start(d, i);
        Instant e = end(d, i);
        Instant a = s.isAfter(from) ? s : from;
        if (!e.isAfter(a)) {
          continue;
        }
        Duration avail = Duration.between(a, e);
        if (left.compareTo(avail) <= 0) {
          return a.plus(left);
        }
        left = left.minus(avail);
      }
    }
    return from.plus(Duration.ofDays(MAX_DAYS));
  }

  private List<BusinessHoursConfig.Interval> intervals(LocalDate d) {
    if (holidays.contains(d)) {
      return List.of();
    }
    return week.getOrDefault(d.getDayOfWeek(), List.of());
  }

  private Instant start(LocalDate d, BusinessHoursConfig.Interval i) {
    return d.atTime(i.start()).atZone(zone).toInstant();
  }

  private Instant end(LocalDate d, BusinessHoursConfig.Interval i) {
    return i.end().equals(LocalTime.MAX)
        ? d.plusDays(1).atStartOfDay(zone).toInstant()
        : d.atTime(i.end()).atZone(zone).toInstant();
  }
}
