package io.cxexporter.kpi;

import java.util.List;
import java.util.Map;

/**
 * The names of the windowed KPIs ({@code cx_kpi_<name>}) and the instant ones a target may name.
 * One list, so config validation, the KPI engine and the metric HELP texts agree.
 */
public final class KpiCatalog {
  private KpiCatalog() {}

  /** Duration KPIs: carry {@code stat} and {@code hours}. */
  public static final List<String> DURATION_KPIS =
      List.of("first_response_seconds", "resolution_seconds", "requester_wait_seconds");

  /** The statistics of a duration KPI. */
  public static final List<String> STATS = List.of("mean", "p50", "p90");

  /** Windowed KPIs without {@code stat}, with their meaning (for HELP texts). */
  public static final Map<String, String> WINDOWED_KPIS =
      Map.ofEntries(
          Map.entry("tickets_created", "tickets created in the window"),
          Map.entry("tickets_solved", "tickets solved in the window (latest solve time)"),
          Map.entry("csat_ratio", "satisfied CSAT ratings (4-5 of 5, or good) / all ratings"),
          Map.entry("nps_score", "NPS: % promoters (9-10) minus % detractors (0-6), -100..100"),
          Map.entry("ces_score", "mean customer effort score of the responses"),
          Map.entry(
              "first_contact_resolution_ratio",
              "tickets solved with exactly one agent reply / tickets solved"),
          Map.entry(
              "agent_replies_per_ticket",
              "mean agent replies of the tickets solved whose reply count is known"),
          Map.entry("reopen_ratio", "tickets solved that were ever reopened / tickets solved"),
          Map.entry("escalation_ratio", "tickets created that were escalated / tickets created"),
          Map.entry("sla_attainment_ratio", "SLA targets met / SLA targets decided in the window"),
          Map.entry("solved_per_agent", "tickets solved / agents who solved at least one"),
          Map.entry("churn_ratio", "customers lost in the window / customers at window start"),
          Map.entry(
              "retention_ratio",
              "(customers at window end - customers new in the window) / customers at its start"),
          Map.entry(
              "mrr_churn_ratio", "MRR of the customers lost in the window / MRR at window start"),
          Map.entry("conversion_ratio", "deals won / deals closed (won or lost) in the window"));

  /** Instant (not windowed) values a target may name. */
  public static final List<String> INSTANT_KPIS =
      List.of(
          "tickets_open",
          "ticket_open_oldest_age_seconds",
          "sla_at_risk_tickets",
          "tickets_unassigned",
          "ticket_unassigned_oldest_age_seconds");

  /** True when {@code kpi} is a windowed KPI. */
  public static boolean isWindowed(String kpi) {
    return DURATION_KPIS.contains(kpi) || WINDOWED_KPIS.containsKey(kpi);
  }

  /** True when {@code kpi} is known at all. */
  public static boolean isKnown(String kpi) {
    return isWindowed(kpi) || INSTANT_KPIS.contains(kpi);
  }
}
