package io.cxexporter.kpi;

import java.util.List;

/**
 * Label values seen for the first time: ticket dimension combinations and survey {@code (kind,
 * score)} pairs, per source, and the sources whose first deal was just seen.
 *
 * @param dealSources sources with deals, so both outcomes of their closed deals start at 0
 * @param businessHours whether business-hours durations exist (a schedule is configured)
 * @param slaTickets ticket dimension combinations whose SLA series start now: the new ones of a
 *     source with SLA data or a {@code kpi.sla} policy, and all of a source's when it first gets
 *     either
 * @param tags {@code tag} label values per source ({@code kpi.tags}), one value each
 * @param slaTags {@code tag} values whose per-tag SLA series start now, by the same rule as {@code
 *     slaTickets}
 * @param seriesDropped per source new to the engine (a load) or whose count changed since the last
 *     call: the distinct label combinations its series budget folded into {@code other} so far (a
 *     running total, not the new ones; see {@link SeriesBudget})
 */
public record SeenLabels(
    List<Combo> tickets,
    List<Combo> surveys,
    List<String> dealSources,
    boolean businessHours,
    List<Combo> slaTickets,
    List<Combo> tags,
    List<Combo> slaTags,
    java.util.Map<String, Long> seriesDropped) {

  /** Label values without series budget totals. */
  public SeenLabels(
      List<Combo> tickets,
      List<Combo> surveys,
      List<String> dealSources,
      boolean businessHours,
      List<Combo> slaTickets,
      List<Combo> tags,
      List<Combo> slaTags) {
    this(
        tickets,
        surveys,
        dealSources,
        businessHours,
        slaTickets,
        tags,
        slaTags,
        java.util.Map.of());
  }

  /** Label values without {@code tag} values. */
  public SeenLabels(
      List<Combo> tickets,
      List<Combo> surveys,
      List<String> dealSources,
      boolean businessHours,
      List<Combo> slaTickets) {
    this(tickets, surveys, dealSources, businessHours, slaTickets, List.of(), List.of());
  }

  /** One combination of one source. */
  public record Combo(String source, List<String> values) {}
}
