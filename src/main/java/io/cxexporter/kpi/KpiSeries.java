package io.cxexporter.kpi;

import java.util.List;

/**
 * One gauge value of the snapshot.
 *
 * @param name the metric name without the {@code cx_} prefix, e.g. {@code kpi_csat_ratio} or {@code
 *     tickets_open}
 * @param labelNames label names, {@code source} first
 * @param labelValues values in the same order
 */
public record KpiSeries(
    String name, List<String> labelNames, List<String> labelValues, double value) {

  /** The value of a label, or null when the series does not carry it. */
  public String label(String name) {
    int i = labelNames.indexOf(name);
    return i < 0 ? null : labelValues.get(i);
  }
}
