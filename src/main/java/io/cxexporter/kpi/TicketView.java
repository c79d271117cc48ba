package io.cxexporter.kpi;

import java.time.Instant;

/**
 * A ticket as the alerting agent names it: which one, and the number that put it in the list.
 *
 * @param id the vendor's ticket id
 * @param subject its subject, or null when the connector has none
 * @param group its (capped) group label
 * @param createdAt when it was created
 * @param dueAt when its SLA target falls due, or null
 * @param seconds the duration that ranked it (first response or resolution), or NaN
 */
public record TicketView(
    String id, String subject, String group, Instant createdAt, Instant dueAt, double seconds) {

  /** Which tickets stand behind a KPI. */
  public enum Pick {
    /** Open tickets, oldest first (backlog KPIs). */
    OLDEST_OPEN,
    /** Open tickets nobody is assigned to, oldest first (unassigned backlog KPIs). */
    OLDEST_UNASSIGNED,
    /** Open tickets with a running SLA target, soonest due first (at-risk and SLA KPIs). */
    SOONEST_DUE,
    /** Tickets first replied to in the window, slowest first. */
    SLOWEST_FIRST_RESPONSE,
    /** Tickets solved in the window, slowest first. */
    SLOWEST_RESOLUTION
  }
}
