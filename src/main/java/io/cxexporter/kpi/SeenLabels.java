package io.cxexporter.kpi;

import java.util.List;

/**
 * Label values seen for the first time: ticket dimension combinations and survey {@code (kind,
 * score)} pairs, per source, and the sources whose first deal was just seen.
 *
 * @param dealSources sources with deals, so both outcomes of their closed deals start at 0
 * @param businessHours whether business-hours durations exist (a schedule is configured)
 * @param tags {@code tag} label values per source ({@code kpi.tags}), one value each
 */
public record SeenLabels(
    List<Combo> tickets,
    List<Combo> surveys,
    List<String> dealSources,
    boolean businessHours,
    List<Combo> tags) {

  /** Label values without {@code tag} values. */
  public SeenLabels(
      List<Combo> tickets, List<Combo> surveys, List<String> dealSources, boolean businessHours) {
    this(tickets, surveys, dealSources, businessHours, List.of());
  }

  /** One combination of one source. */
  public record Combo(String source, List<String> values) {}
}
