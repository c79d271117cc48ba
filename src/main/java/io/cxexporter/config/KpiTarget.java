package io.cxexporter.config;

/**
 * A goal from {@code kpi.targets}, exported as {@code cx_kpi_target{kpi,stat,window,hours}}.
 *
 * @param kpi the KPI's short name, e.g. {@code csat_ratio}
 * @param stat {@code mean|p50|p90} for duration KPIs, else empty
 * @param window a configured window, e.g. {@code 7d}, or empty for instant KPIs
 * @param value the bound
 * @param minimum true for {@code min:} (higher is better), false for {@code max:}
 * @param hours {@code business|calendar} for duration KPIs (the {@code hours} of the series the
 *     goal is for), else empty
 */
public record KpiTarget(
    String kpi, String stat, String window, double value, boolean minimum, String hours) {

  /** A goal without {@code hours} (a KPI that is not a duration). */
  public KpiTarget(String kpi, String stat, String window, double value, boolean minimum) {
    this(kpi, stat, window, value, minimum, "");
  }
}
