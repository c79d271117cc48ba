package io.cxexporter.kpi;

import java.util.List;

/**
 * Label values seen for the first time: ticket dimension combinations and survey {@code (kind,
 * score)} pairs, per source.
 *
 * @param businessHours whether business-hours durations exist (a schedule is configured)
 */
public record SeenLabels(List<Combo> tickets, List<Combo> surveys, boolean businessHours) {

  /** One combination of one source. */
  public record Combo(String source, List<String> values) {}
}
