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
 */
public record SeenLabels(
    List<Combo> tickets,
    List<Combo> surveys,
    List<String> dealSources,
    boolean businessHours,
    List<Combo> slaTickets) {

  /** One combination of one source. */
  public record Combo(String source, List<String> values) {}
}
