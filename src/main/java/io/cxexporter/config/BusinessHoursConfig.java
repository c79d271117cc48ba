package io.cxexporter.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The working schedule that business-hours durations are measured in.
 *
 * @param week for each working day, its open intervals (start inclusive, end exclusive), sorted
 * @param holidays dates (in {@code zone}) with no business hours
 */
public record BusinessHoursConfig(
    ZoneId zone, Map<DayOfWeek, List<Interval>> week, Set<LocalDate> holidays) {

  /** One open interval of a day, e.g. 08:00-17:00. */
  public record Interval(LocalTime start, LocalTime end) {}

  public BusinessHoursConfig {
    week = Map.copyOf(week);
    holidays = Set.copyOf(holidays);
  }
}
