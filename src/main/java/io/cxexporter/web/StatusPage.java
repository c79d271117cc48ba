package io.cxexporter.web;

import static io.cxexporter.web.Html.esc;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.store.Quarantine;
import io.cxexporter.sync.StreamStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code /}: each connector's streams (type, last sync, last error, backfill progress,
 * rate-limit budget) and the headline KPIs of each source. Every piece of upstream text is escaped;
 * no secret is ever part of the model it renders.
 */
final class StatusPage {
  private StatusPage() {}

  static String render(StatusSource src, Instant now) {
    return render(src, now, "/metrics");
  }

  /** The page, linking to the metrics at {@code telemetryPath} (relative, for path prefixes). */
  static String render(StatusSource src, Instant now, String telemetryPath) {
    KpiSnapshot snap = src.snapshot();
    StringBuilder b = new StringBuilder(16 * 1024);
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"15\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>cx-exporter</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5rem;background:#111;color:#eee}")
        .append("a{color:#8cf}table{border-collapse:collapse;margin:.5rem 0 1.5rem}")
        .append("td,th{border:1px solid #444;padding:.3rem .6rem;text-align:left}")
        .append(".tiles{display:flex;flex-wrap:wrap;gap:.8rem;margin-bottom:1.5rem}")
        .append(".tile{background:#1e2a38;border-radius:6px;padding:.8rem 1rem;min-width:9rem}")
        .append(".tile .v{font-size:1.8rem;font-weight:600}.tile .k{font-size:.8rem;color:#aaa}")
        .append(".err{color:#f88}.ok{color:#8f8}</style></head><body>")
        .append("<h1>cx-exporter</h1><p>")
        .append(esc(src.version()))
        .append(" &middot; config: ")
        .append(esc(src.configOrigin()))
        .append(" &middot; ")
        .append(
            src.ready()
                ? "<span class=\"ok\">ready</span>"
                : "<span class=\"err\">not ready</span>")
        .append(" &middot; <a href=\"")
        .append(Html.esc(telemetryPath.substring(1)))
        .append("\">")
        .append(Html.esc(telemetryPath))
        .append("</a></p>");
    StatusSource.Shard shard = src.shard();
    b.append("<p id=\"shard\">shard ")
        .append(shard.shard())
        .append(" of ")
        .append(shard.total())
        .append(" (zero-indexed): ")
        .append(shard.here())
        .append(shard.here() == 1 ? " connector" : " connectors")
        .append(" here, ")
        .append(shard.elsewhere())
        .append(" on other shards</p>");
    List<String> reload = src.lastReloadProblems();
    if (reload != null && !reload.isEmpty()) {
      b.append(
          "<p class=\"err\" id=\"reload-error\">Last reload failed, previous config still running: ");
      for (String p : reload) {
        b.append("<br>").append(esc(p));
      }
      b.append("</p>");
    }
    String state = src.stateProblem();
    if (state != null) {
      b.append("<p class=\"err\" id=\"state-reset\">").append(esc(state)).append("</p>");
    }
    alerts(b, src.alerts(), now);
    // each source's tiles look up about ten values: in its own series, not the whole snapshot's
    // (a scan of every source's series per look-up took 18 s for 1,000 connectors)
    Map<String, List<KpiSeries>> bySource = new java.util.HashMap<>();
    for (KpiSeries s : snap.series()) {
      String source = s.label("source");
      if (source != null) {
        bySource.computeIfAbsent(source, k -> new java.util.ArrayList<>()).add(s);
      }
    }
    for (Map.Entry<String, String> c : src.connectors().entrySet()) {
      String source = c.getKey();
      tiles(b, source, new KpiSnapshot(snap.at(), bySource.getOrDefault(source, List.of())));
    }
    connectors(b, src, now);
    b.append("<p>KPIs computed ")
        .append(snap.at().equals(Instant.EPOCH) ? "not yet" : esc(snap.at().toString()))
        .append("</p></body></html>");
    return b.toString();
  }

  private static void tiles(StringBuilder b, String source, KpiSnapshot snap) {
    Map<String, String> whole = Map.of("source", source);
    double open = sum(snap.find("tickets_open", whole));
    double oldest = max(snap.find("ticket_open_oldest_age_seconds", whole));
    double atRisk = sum(snap.find("sla_at_risk_tickets", whole));
    b.append("<h2>")
        .append(esc(source))
        .append("</h2><div class=\"tiles\" data-source=\"")
        .append(esc(source))
        .append("\">");
    tile(b, "open-backlog", "Open backlog", Html.number(open));
    tile(b, "oldest-open", "Oldest open ticket", Html.duration(oldest));
    tile(b, "at-risk", "SLA at risk now", Html.number(atRisk));
    tile(
        b,
        "first-response-p90",
        "First response p90 (24h, business)",
        Html.duration(
            kpi(
                snap,
                "kpi_first_response_seconds",
                source,
                "24h",
                "hours",
                "business",
                "stat",
                "p90")));
    tile(
        b,
        "resolution-p90",
        "Resolution p90 (24h)",
        Html.duration(
            kpi(
                snap,
                "kpi_resolution_seconds",
                source,
                "24h",
                "hours",
                "calendar",
                "stat",
                "p90")));
    tile(b, "csat", "CSAT (7d)", Html.percent(kpi(snap, "kpi_csat_ratio", source, "7d")));
    tile(b, "nps", "NPS (30d)", Html.number(kpi(snap, "kpi_nps_score", source, "30d")));
    tile(
        b,
        "sla-attainment",
        "First-response SLA met (24h)",
        Html.percent(
            kpi(snap, "kpi_sla_attainment_ratio", source, "24h", "target", "first_response")));
    b.append("</div>");
    groups(b, source, snap);
  }

  /** Open backlog by group, largest first (at most 15 rows): group names are vendor text. */
  private static void groups(StringBuilder b, String source, KpiSnapshot snap) {
    Map<String, Double> byGroup = new java.util.TreeMap<>();
    for (KpiSeries s : snap.find("tickets_open", Map.of("source", source))) {
      String g = s.label("group");
      if (g != null) {
        byGroup.merge(g, s.value(), Double::sum);
      }
    }
    if (byGroup.isEmpty()) {
      return;
    }
    b.append("<table class=\"groups\" data-source=\"")
        .append(esc(source))
        .append("\"><thead><tr><th>group</th><th>open</th></tr></thead><tbody>");
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(15)
        .forEach(
            e ->
                b.append("<tr><td>")
                    .append(esc(e.getKey()))
                    .append("</td><td>")
                    .append(Html.number(e.getValue()))
                    .append("</td></tr>"));
    b.append("</tbody></table>");
  }

  private static void tile(StringBuilder b, String id, String label, String value) {
    b.append("<div class=\"tile\" data-kpi=\"")
        .append(id)
        .append("\"><div class=\"v\">")
        .append(esc(value))
        .append("</div><div class=\"k\">")
        .append(esc(label))
        .append("</div></div>");
  }

  private static double kpi(
      KpiSnapshot snap, String name, String source, String window, String... extra) {
    java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
    labels.put("source", source);
    labels.put("window", window);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      labels.put(extra[i], extra[i + 1]);
    }
    return snap.value(name, labels);
  }

  private static double sum(List<KpiSeries> l) {
    return l.isEmpty() ? Double.NaN : l.stream().mapToDouble(KpiSeries::value).sum();
  }

  private static double max(List<KpiSeries> l) {
    return l.stream().mapToDouble(KpiSeries::value).max().orElse(Double.NaN);
  }

  private static String budget(Double remaining) {
    return remaining == null ? "n/a" : Html.number(remaining) + " left";
  }

  /** Firing alerts first, then pending ones, with the tickets behind them (links escaped). */
  private static void alerts(
      StringBuilder b, List<io.cxexporter.alerting.Alert> alerts, Instant now) {
    if (alerts.isEmpty()) {
      return;
    }
    List<io.cxexporter.alerting.Alert> sorted = new java.util.ArrayList<>(alerts);
    sorted.sort(
        java.util.Comparator.comparing((io.cxexporter.alerting.Alert a) -> !a.firing())
            .thenComparing(a -> a.name()));
    b.append("<h2 id=\"alerts\">Alerts</h2><table id=\"alert-table\"><thead><tr><th>state</th>")
        .append("<th>alert</th><th>severity</th><th>series</th><th>value</th><th>since</th>")
        .append("<th>tickets</th></tr></thead><tbody>");
    for (io.cxexporter.alerting.Alert a : sorted) {
      b.append("<tr class=\"alert-row\" data-alert=\"")
          .append(esc(a.name()))
          .append("\" data-state=\"")
          .append(a.firing() ? "firing" : "pending")
          .append("\"><td class=\"")
          .append(a.firing() ? "err" : "")
          .append("\">")
          .append(a.firing() ? "firing" : "pending")
          .append("</td><td>")
          .append(esc(a.name()))
          .append("<br><small>")
          .append(esc(a.annotations().getOrDefault("summary", "")))
          .append("</small></td><td>")
          .append(esc(a.severity()))
          .append("</td><td>");
      List<String> series = new java.util.ArrayList<>();
      a.labels()
          .forEach(
              (k, v) -> {
                if (!k.equals("alertname") && !k.equals("severity")) {
                  series.add(k + "=" + v);
                }
              });
      b.append(esc(String.join(", ", series)))
          .append("</td><td>")
          .append(esc(io.cxexporter.alerting.Format.number(a.value())))
          .append(" (")
          .append(esc(a.condition()))
          .append(")</td><td>")
          .append(
              esc(
                  io.cxexporter.alerting.Format.duration(
                      java.time.Duration.between(a.startsAt(), now))))
          .append("</td><td>");
      for (io.cxexporter.alerting.TicketRef t : a.tickets()) {
        String label = "#" + t.id();
        if (t.url() != null && (t.url().startsWith("https://") || t.url().startsWith("http://"))) {
          b.append("<a href=\"")
              .append(esc(t.url()))
              .append("\">")
              .append(esc(label))
              .append("</a>");
        } else {
          b.append(esc(label));
        }
        if (t.subject() != null) {
          b.append(" ").append(esc(t.subject()));
        }
        b.append("<br>");
      }
      b.append("</td></tr>");
    }
    b.append("</tbody></table>");
  }

  /** The records of a source that could not be mapped: id and reason, newest first. */
  private static void rejected(StringBuilder b, String source, Quarantine q) {
    if (q.total() == 0) {
      return;
    }
    b.append("<p class=\"err\">")
        .append(esc(source))
        .append(": ")
        .append(q.total())
        .append(" record(s) could not be read and are left out")
        .append(q.total() > q.newest().size() ? " (newest " + q.newest().size() + " shown)" : "")
        .append("</p><table class=\"rejected\" data-source=\"")
        .append(esc(source))
        .append("\"><thead><tr><th>stream</th><th>id</th><th>reason</th><th>last seen</th>")
        .append("<th>times</th></tr></thead><tbody>");
    for (Quarantine.Entry e : q.newest()) {
      b.append("<tr class=\"rejected-row\"><td>")
          .append(esc(e.stream()))
          .append("</td><td>")
          .append(esc(e.id()))
          .append("</td><td>")
          .append(esc(e.reason()))
          .append("</td><td>")
          .append(esc(e.lastSeen().toString()))
          .append("</td><td>")
          .append(e.count())
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
  }

  private static void connectors(StringBuilder b, StatusSource src, Instant now) {
    b.append("<h2>Connectors</h2><table id=\"connectors\"><thead><tr><th>source</th><th>type</th>")
        .append("<th>stream</th><th>backfill</th><th>last sync</th><th>last pass</th>")
        .append(
            "<th>records</th><th>rate-limit budget</th><th>last error</th></tr></thead><tbody>");
    for (StreamStatus s : src.streams()) {
      b.append("<tr class=\"connector-row\" data-source=\"")
          .append(esc(s.source()))
          .append("\"><td>")
          .append(esc(s.source()))
          .append("</td><td>")
          .append(esc(s.connectorType()))
          .append("</td><td>")
          .append(esc(s.stream()))
          .append("</td><td>");
      if (s.backfillDone()) {
        b.append("done");
      } else {
        b.append(Double.isNaN(s.progress()) ? "running" : Html.percent(s.progress()));
        if (s.eta() != null) {
          b.append(" (ETA ").append(esc(Html.duration(s.eta().getSeconds()))).append(")");
        }
      }
      b.append("</td><td>")
          .append(
              s.lastSuccess() == null
                  ? "never"
                  : esc(Html.duration(Duration.between(s.lastSuccess(), now).getSeconds()))
                      + " ago")
          .append("</td><td>")
          .append(
              s.lastSyncDuration() == null
                  ? "\u2013"
                  : esc(Html.duration(s.lastSyncDuration().toMillis() / 1000.0)))
          .append("</td><td>")
          .append(s.recordsApplied())
          .append("</td><td>")
          .append(budget(src.rateLimitRemaining(s.source())))
          .append("</td><td class=\"")
          .append(s.lastError() == null ? "" : "err")
          .append("\">")
          .append(
              s.lastError() == null
                  ? ""
                  : esc(s.lastError()) + " (" + esc(String.valueOf(s.lastErrorAt())) + ")")
          .append("</td></tr>");
    }
    b.append("</tbody></table>");
    for (String source : src.connectors().keySet()) {
      CheckResult c = src.check(source);
      if (c != null && !c.ok()) {
        b.append("<p class=\"err\">")
            .append(esc(source))
            .append(" check failed: ")
            .append(esc(c.message()))
            .append("</p>");
      }
      rejected(b, source, src.rejected(source));
      for (String failure : src.lookupFailures(source)) {
        b.append("<p class=\"err lookup\">")
            .append(esc(source))
            .append(" lookup failing (ids stand for names): ")
            .append(esc(failure))
            .append("</p>");
      }
    }
  }
}
