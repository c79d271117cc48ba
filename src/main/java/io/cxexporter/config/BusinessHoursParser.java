package io.cxexporter.config;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code kpi.business_hours}: a timezone, per-weekday open intervals ({@code mon:
 * "08:00-17:00"}, several as {@code "08:00-12:00,13:00-17:00"}) and holiday dates.
 */
public final class BusinessHoursParser {
  private static final Map<String, DayOfWeek> DAYS =
      Map.of(
          "mon", DayOfWeek.MONDAY,
          "tue", DayOfWeek.TUESDAY,
          "wed", DayOfWeek.WEDNESDAY,
          "thu", DayOfWeek.THURSDAY,
          "fri", DayOfWeek.FRIDAY,
          "sat", DayOfWeek.SATURDAY,
          "sun", DayOfWeek.SUNDAY);

  private BusinessHoursParser() {}

  public static BusinessHoursConfig parse(Settings s) {
    ZoneId zone = ZoneId.of("UTC");
    String tz = s.string("timezone");
    if (tz != null) {
      try {
        zone = ZoneId.of(tz);
      } catch (DateTimeException e) {
        s.problem("timezone", "unknown time zone \"" + tz + "\"");
      }
    }
    Map<DayOfWeek, List<BusinessHoursConfig.Interval>> week = new EnumMap<>(DayOfWeek.class);
    Settings w = s.object("week");
    if (!s.has("week")) {
      s.problem("week", "required (e.g. mon: \"08:00-17:00\")");
    }
    for (String day : w.keys()) {
      DayOfWeek dow = DAYS.get(day);
      String spec = w.string(day, "");
      if (dow == null) {
        w.problem(day, "unknown day (mon, tue, wed, thu, fri, sat or sun)");
        continue;
      }
      List<BusinessHoursConfig.Interval> intervals = intervals(spec, w, day);
      if (!intervals.isEmpty()) {
        week.put(dow, intervals);
      }
    }
    if (s.has("week") && week.isEmpty() && s.problems().isEmpty()) {
      s.problem("week", "has no open hours");
    }
    Set<LocalDate> holidays = new HashSet<>();
    List<String> hs = s.strings("holidays");
    for (int i = 0; i < hs.size(); i++) {
      try {
        holidays.add(LocalDate.parse(hs.get(i).trim()));
      } catch (DateTimeParseException e) {
        s.problem(
            "holidays[" + i + "]", "expected a date like 2026-12-25, got \"" + hs.get(i) + "\"");
      }
    }
    return new BusinessHoursConfig(zone, week, holidays);
  }

  private static List<BusinessHoursConfig.Interval> intervals(String spec, Settings w, String day) {
    List<BusinessHoursConfig.Interval> out = new ArrayList<>();
    if (spec.isBlank()) {
      return out;
    }
    for (String part : spec.split(",")) {
      String[] se = part.trim().split("-");
      try {
        if (se.length != 2) {
          throw new DateTimeParseException("", part, 0);
        }
        LocalTime start = LocalTime.parse(se[0].trim());
        String endText = se[1].trim();
        LocalTime end = endText.equals("24:00") ? LocalTime.MAX : LocalTime.parse(endText);
        if (!end.isAfter(start)) {
          w.problem(day, "interval \"" + part.trim() + "\" ends before it starts");
          continue;
        }
        out.add(new BusinessHoursConfig.Interval(start, end));
      } catch (DateTimeParseException e) {
        w.problem(day, "expected intervals like \"08:00-17:00\", got \"" + spec + "\"");
        return List.of();
      }
    }
    out.sort(Comparator.comparing(BusinessHoursConfig.Interval::start));
    for (int i = 1; i < out.size(); i++) {
      if (out.get(i).start().isBefore(out.get(i - 1).end())) {
        w.problem(day, "intervals overlap in \"" + spec + "\"");
        return List.of();
      }
    }
    return out;
  }
}
