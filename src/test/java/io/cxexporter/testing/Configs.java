package io.cxexporter.testing;

import io.cxexporter.config.BusinessHoursConfig;
import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.KpiTarget;
import io.cxexporter.config.SlaPolicy;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** KPI configs for tests. */
public final class Configs {
  private Configs() {}

  /** Mon-Fri 08:00-17:00 in the zone, with holidays. */
  public static BusinessHoursConfig officeHours(String zone, LocalDate... holidays) {
    Map<DayOfWeek, List<BusinessHoursConfig.Interval>> week = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d :
        List.of(
            DayOfWeek.MONDAY,
            DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY)) {
      week.put(
          d, List.of(new BusinessHoursConfig.Interval(LocalTime.of(8, 0), LocalTime.of(17, 0))));
    }
    return new BusinessHoursConfig(ZoneId.of(zone), week, Set.of(holidays));
  }

  public static KpiConfig kpi(
      BusinessHoursConfig bh, List<SlaPolicy> sla, List<KpiTarget> targets, int maxLabels) {
    Map<String, Duration> windows = new LinkedHashMap<>();
    windows.put("1h", Duration.ofHours(1));
    windows.put("24h", Duration.ofHours(24));
    windows.put("7d", Duration.ofDays(7));
    windows.put("30d", Duration.ofDays(30));
    return new KpiConfig(
        windows,
        List.of("group", "priority", "channel"),
        maxLabels,
        bh,
        sla,
        Duration.ofHours(1),
        targets,
        Duration.ofSeconds(15));
  }

  public static KpiConfig kpi() {
    return kpi(officeHours("UTC"), List.of(), List.of(), 50);
  }

  /** Parses a YAML text into the tree {@code Settings.root} reads. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> yaml(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper(
              new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readValue(text, Map.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
