package io.cxexporter.alerting;

import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.kpi.TicketView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The tickets behind an alert instance, from the KPI engine's records: for backlog alerts the
 * oldest open tickets, for at-risk and SLA alerts the soonest to breach, for first response and
 * resolution time alerts the slowest in the alert's window. At most {@value #LIMIT}; none for
 * survey and CRM KPIs.
 *
 * <pre>{@code
 * var context = new TicketContext(kpi, sync::ticketUrl, clock);
 * List<TicketRef> refs = context.apply(rule, alert.labels());
 * }</pre>
 */
public final class TicketContext
    implements BiFunction<AlertRule, Map<String, String>, List<TicketRef>> {
  static final int LIMIT = 10;

  private final KpiEngine kpi;
  private final BiFunction<String, String, String> urls;
  private final Clock clock;

  /**
   * @param urls (source, ticket id) → a link to the ticket, or null
   */
  public TicketContext(KpiEngine kpi, BiFunction<String, String, String> urls, Clock clock) {
    this.kpi = kpi;
    this.urls = urls;
    this.clock = clock;
  }

  @Override
  public List<TicketRef> apply(AlertRule rule, Map<String, String> labels) {
    String source = labels.get("source");
    TicketView.Pick pick = pick(rule.kpi());
    if (source == null || pick == null) {
      return List.of();
    }
    Map<String, String> dims = new LinkedHashMap<>();
    for (String d : kpi.config().dimensions()) {
      if (labels.containsKey(d)) {
        dims.put(d, labels.get(d));
      }
    }
    Duration window = kpi.config().windows().getOrDefault(labels.get("window"), Duration.ofDays(1));
    boolean business = "business".equals(labels.get("hours"));
    Instant now = clock.instant();
    List<TicketRef> out = new ArrayList<>();
    for (TicketView t : kpi.tickets(source, dims, pick, window, business, LIMIT)) {
      Duration age =
          Double.isNaN(t.seconds())
              ? Duration.between(t.createdAt(), now)
              : Duration.ofMillis((long) (t.seconds() * 1000));
      out.add(
          new TicketRef(
              t.id(), t.subject(), t.group(), age, t.dueAt(), urls.apply(source, t.id())));
    }
    return out;
  }

  /**
   * Every open ticket with a running or breached SLA due time, with its source and dimension
   * labels, for {@link SlaReminders}: one lookup per {@code sla_at_risk_tickets} series of the
   * snapshot (the series list every dimension combination that has open tickets).
   */
  public List<DueTicket> dueTickets(KpiSnapshot snapshot) {
    Instant now = clock.instant();
    List<DueTicket> out = new ArrayList<>();
    for (KpiSeries s : snapshot.find("sla_at_risk_tickets", Map.of())) {
      String source = s.label("source");
      Map<String, String> dims = new LinkedHashMap<>();
      for (int i = 0; i < s.labelNames().size(); i++) {
        String name = s.labelNames().get(i);
        if (!name.equals("source")) {
          String v = s.labelValues().get(i);
          dims.put(name, v == null ? "" : v);
        }
      }
      if (source == null) {
        continue;
      }
      for (TicketView t :
          kpi.tickets(
              source, dims, TicketView.Pick.SOONEST_DUE, Duration.ZERO, false, Integer.MAX_VALUE)) {
        if (t.dueAt() == null) {
          continue;
        }
        TicketRef ref =
            new TicketRef(
                t.id(),
                t.subject(),
                t.group(),
                Duration.between(t.createdAt(), now),
                t.dueAt(),
                urls.apply(source, t.id()));
        out.add(DueTicket.of(source, dims, ref));
      }
    }
    return out;
  }

  /** Which tickets explain a KPI, or null when tickets do not (surveys, CRM). */
  static TicketView.Pick pick(String kpi) {
    return switch (kpi) {
      case "tickets_open", "ticket_open_oldest_age_seconds", "tickets_created" ->
          TicketView.Pick.OLDEST_OPEN;
      case "tickets_unassigned", "ticket_unassigned_oldest_age_seconds" ->
          TicketView.Pick.OLDEST_UNASSIGNED;
      case "sla_at_risk_tickets", "sla_attainment_ratio" -> TicketView.Pick.SOONEST_DUE;
      case "first_response_seconds" -> TicketView.Pick.SLOWEST_FIRST_RESPONSE;
      case "resolution_seconds", "tickets_solved" -> TicketView.Pick.SLOWEST_RESOLUTION;
      default -> null;
    };
  }
}
