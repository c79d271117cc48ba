package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiCatalog;
import java.util.Map;

/**
 * Every metric name, HELP text and bucket layout in one place. Names follow the metric contract in
 * DESIGN.md: prefix {@code cx_}, base units, {@code _total} on counters.
 */
public final class MetricNames {
  private MetricNames() {}

  public static final String PREFIX = "cx_";

  public static final String TICKETS_CREATED = "cx_tickets_created_total";
  public static final String TICKETS_SOLVED = "cx_tickets_solved_total";
  public static final String TICKETS_REOPENED = "cx_tickets_reopened_total";
  public static final String TICKETS_ESCALATED = "cx_tickets_escalated_total";
  public static final String FIRST_RESPONSE = "cx_ticket_first_response_seconds";
  public static final String RESOLUTION = "cx_ticket_resolution_seconds";
  public static final String SLA_BREACHES = "cx_sla_breaches_total";
  public static final String DEALS_CLOSED = "cx_deals_closed_total";
  public static final String SURVEY_RESPONSES = "cx_survey_responses_total";
  public static final String SERIES_DROPPED = "cx_series_dropped_total";

  public static final String CONNECTOR_UP = "cx_connector_up";
  public static final String CONNECTOR_LAST_SUCCESS = "cx_connector_last_success_timestamp_seconds";
  public static final String CONNECTOR_SYNC_DURATION = "cx_connector_sync_duration_seconds";
  public static final String CONNECTOR_BACKFILL = "cx_connector_backfill_progress_ratio";
  public static final String CONNECTOR_ERRORS = "cx_connector_errors_total";
  public static final String CONNECTOR_UNAUTHORIZED = "cx_connector_unauthorized";
  public static final String CONNECTOR_POLL_INTERVAL = "cx_connector_poll_interval_seconds";
  public static final String CONNECTOR_REQUESTS = "cx_connector_requests_total";
  public static final String CONNECTOR_REQUEST_DURATION = "cx_connector_request_duration_seconds";
  public static final String CONNECTOR_RATE_LIMIT_REMAINING = "cx_connector_rate_limit_remaining";
  public static final String CONNECTOR_REQUEST_CREDITS = "cx_connector_request_credits_total";
  public static final String CONNECTOR_CLOCK_SKEW = "cx_connector_clock_skew_seconds";
  public static final String ALERTS = "cx_alerts";
  public static final String NOTIFICATIONS = "cx_notifications_total";
  public static final String REMINDERS = "cx_reminders_total";
  public static final String ALERTING_LEADER = "cx_alerting_leader";
  public static final String ALERTING_LEADER_CHANGES = "cx_alerting_leader_changes_total";
  public static final String BUILD_INFO = "cx_build_info";
  public static final String RELOAD_OK = "cx_config_last_reload_successful";
  public static final String RELOAD_TIME = "cx_config_last_reload_success_timestamp_seconds";
  public static final String SNAPSHOT_DURATION = "cx_snapshot_refresh_duration_seconds";
  public static final String SNAPSHOT_TIME = "cx_snapshot_timestamp_seconds";
  public static final String HTTP_REQUESTS_REJECTED = "cx_http_requests_rejected_total";
  public static final String WEB_CONFIG_RELOAD_OK = "cx_web_config_last_reload_successful";
  public static final String STATE_RESETS = "cx_state_resets_total";
  public static final String SHARD_ORDINAL = "cx_exporter_shard_ordinal";
  public static final String TOTAL_SHARDS = "cx_exporter_total_shards";

  /** Written by {@code cx-exporter history} only, never served on {@code /metrics}. */
  public static final String TICKETS_OPEN_HISTORY = "cx_tickets_open_total_history";

  static final String TICKETS_OPEN_HISTORY_HELP =
      "Open tickets (any open status) of a source at a past instant, written by cx-exporter"
          + " history: a ticket counts as open from its creation to its solve, because status"
          + " history is not kept (a reopened ticket counts as open from creation to its last"
          + " solve).";

  /**
   * Classic buckets for service times, 1 minute to 30 days (never the client default of 5 ms to 10
   * s, which would put every ticket into +Inf).
   */
  public static final double[] SERVICE_TIME_BUCKETS = {
    60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 345600, 604800, 1209600,
    2592000
  };

  private static final String CACHED =
      " Cached: computed from the stored records after each sync, not at scrape time.";

  /** HELP texts of the snapshot gauges, by name without the prefix. */
  static final Map<String, String> GAUGE_HELP =
      Map.of(
          "tickets_open",
          "Open tickets (backlog) by status and dimensions." + CACHED,
          "ticket_open_oldest_age_seconds",
          "Age of the oldest unsolved ticket." + CACHED,
          "sla_at_risk_tickets",
          "Open tickets whose SLA target falls due within kpi.sla_risk_horizon." + CACHED,
          "tickets_unassigned",
          "Open tickets (backlog, any status) with no assignee." + CACHED,
          "ticket_unassigned_oldest_age_seconds",
          "Age of the oldest open ticket with no assignee." + CACHED,
          "kpi_target",
          "KPI goals from kpi.targets (min or max), to colour dashboards and compare in alerts.",
          "customers",
          "CRM customers now: active (a customer since, not churned) or churned." + CACHED,
          "mrr",
          "Monthly recurring revenue of the active customers (the CRM's MRR property)." + CACHED,
          "label_values_folded",
          "Distinct values of a capped label (kpi.max_label_values, kpi.tags.max_values) folded"
              + " into other now: the most frequent are kept, ties by name."
              + CACHED);

  /** The HELP text of a {@code cx_kpi_<name>} gauge. */
  static String kpiHelp(String kpi) {
    String meaning =
        switch (kpi) {
          case "first_response_seconds" -> "created to first agent reply, by first reply time";
          case "resolution_seconds" -> "created to solved, by solve time";
          case "requester_wait_seconds" ->
              "the vendor's requester wait time of the tickets solved, by solve time";
          default -> KpiCatalog.WINDOWED_KPIS.getOrDefault(kpi, kpi);
        };
    return "Windowed KPI ("
        + meaning
        + "), exact over the stored records; whole source without dimension labels, else one"
        + " dimension per series; not additive."
        + CACHED;
  }
}
