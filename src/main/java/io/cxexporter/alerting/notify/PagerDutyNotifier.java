package io.cxexporter.alerting.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.TicketRef;
import io.cxexporter.config.Secret;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import okhttp3.HttpUrl;

/**
 * Sends one PagerDuty Events API v2 event per alert: {@code trigger} while firing, {@code resolve}
 * once resolved, both with the same {@code dedup_key} ({@code cx-exporter/<alertname>/<
 * fingerprint>}), so a re-sent trigger lands on the open incident and the resolve closes it.
 *
 * <pre>{@code
 * {"routing_key": "...", "event_action": "trigger", "dedup_key": "cx-exporter/CsatLow/1a2b3c4d5e6f7a8b",
 *  "payload": {"summary": "CsatLow: CSAT is 81% (zendesk/Billing)", "source": "zendesk",
 *              "severity": "critical", "timestamp": "2026-11-18T12:00:00Z", "class": "CsatLow",
 *              "component": "csat", "group": "Billing",
 *              "custom_details": {"value": 0.81, "condition": "below 0.85", "labels": {...},
 *                                 "annotations": {...}, "tickets": [{"id": "123", ...}]}},
 *  "links": [{"href": "https://.../tickets/123", "text": "#123 Printer on fire"}, ...],
 *  "client": "cx-exporter", "client_url": "http://cx-exporter:9184/alerts"}
 * {"routing_key": "...", "event_action": "resolve", "dedup_key": "cx-exporter/CsatLow/1a2b3c4d5e6f7a8b"}
 * }</pre>
 */
final class PagerDutyNotifier extends PostingNotifier {
  /** The Events API v2 endpoint. */
  static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";

  private static final int MAX_SUMMARY = 1024;
  private static final int MAX_NAME_IN_KEY = 200;

  private final Secret routingKey;
  private final HttpUrl url;

  PagerDutyNotifier(
      String name,
      Secret routingKey,
      HttpUrl url,
      Set<String> severities,
      Route route,
      JsonPoster poster) {
    super(name, "pagerduty", severities, route, false, poster);
    this.routingKey = routingKey;
    this.url = url;
  }

  /** Where events go. */
  HttpUrl url() {
    return url;
  }

  /**
   * Sends the events in order. A failure stops the batch; the dispatcher retries all of it, which
   * is harmless: PagerDuty folds a repeated trigger into the open incident, and a repeated resolve
   * does nothing.
   */
  @Override
  public void send(List<Alert> alerts) throws DeliveryException {
    for (Alert a : alerts) {
      poster.post(
          "pagerduty notifier \"" + name() + "\"",
          url.toString(),
          event(a),
          List.of(routingKey.reveal()));
    }
  }

  /** The stable dedup key of an alert: the same for its trigger and resolve, across restarts. */
  static String dedupKey(Alert a) {
    String n = a.name() == null ? "alert" : a.name();
    if (n.length() > MAX_NAME_IN_KEY) {
      n = n.substring(0, MAX_NAME_IN_KEY);
    }
    return "cx-exporter/" + n + "/" + a.fingerprint();
  }

  /** PagerDuty's severity for ours: critical, warning and info map to themselves. */
  static String severity(Alert a) {
    return switch (a.severity()) {
      case "critical", "error", "warning", "info" -> a.severity();
      default -> "warning";
    };
  }

  /** The event for one alert. */
  ObjectNode event(Alert a) {
    ObjectNode o = Payloads.JSON.createObjectNode();
    o.put("routing_key", routingKey.reveal());
    o.put("event_action", a.firing() ? "trigger" : "resolve");
    o.put("dedup_key", dedupKey(a));
    if (!a.firing()) {
      return o;
    }
    ObjectNode p = o.putObject("payload");
    String summary = Payloads.summaryLine(a);
    p.put("summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY) : summary);
    p.put("source", a.labels().getOrDefault("source", "cx-exporter"));
    p.put("severity", severity(a));
    p.put("timestamp", a.startsAt().toString());
    Payloads.putIfPresent(p, "class", a.name());
    Payloads.putIfPresent(p, "component", a.labels().get("kpi"));
    Payloads.putIfPresent(p, "group", a.labels().get("group"));
    ObjectNode d = p.putObject("custom_details");
    d.put("value", a.value());
    Payloads.putIfPresent(d, "condition", a.condition());
    ObjectNode labels = d.putObject("labels");
    a.labels().forEach(labels::put);
    ObjectNode ann = d.putObject("annotations");
    new TreeMap<>(a.annotations()).forEach(ann::put);
    d.set("tickets", Payloads.ticketsJson(a));

    ArrayNode links = o.putArray("links");
    for (TicketRef t : Payloads.tickets(a)) {
      if (t.url() != null) {
        String title = "#" + t.id() + (t.subject() == null ? "" : " " + t.subject().strip());
        links.addObject().put("href", t.url()).put("text", title);
      }
    }
    String runbook = a.annotations().get("runbook_url");
    if (runbook != null && !runbook.isBlank()) {
      links.addObject().put("href", runbook).put("text", "Runbook");
    }
    if (a.generatorUrl() != null) {
      links.addObject().put("href", a.generatorUrl()).put("text", "cx-exporter status page");
    }
    o.put("client", "cx-exporter");
    Payloads.putIfPresent(o, "client_url", a.generatorUrl());
    return o;
  }

  @Override
  public String toString() {
    return "PagerDutyNotifier[" + name() + "]";
  }
}
