package io.cxexporter.alerting.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.alerting.Alert;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Posts alerts to Alertmanager's v2 API ({@code POST /api/v2/alerts}), which then groups, silences
 * and routes them like Prometheus' own alerts.
 *
 * <pre>{@code
 * [{"labels": {"alertname": "CsatLow", "severity": "critical", "source": "zendesk", ...},
 *   "annotations": {"summary": "...", "value": "81%", "tickets": "#123 Printer on fire (...) https://..."},
 *   "startsAt": "2026-11-18T12:00:00Z",
 *   "endsAt": "2026-11-18T13:00:00Z",          // resolved alerts only
 *   "generatorURL": "http://cx-exporter:9184/alerts"}]
 * }</pre>
 *
 * <p>Firing alerts carry no {@code endsAt}: Alertmanager keeps them for its {@code resolve_timeout}
 * (5m by default) after the last post, so the dispatcher re-posts them after every evaluation
 * ({@link #resendWhileFiring()}); the evaluation interval must stay well below that timeout. A
 * resolved alert is posted with {@code endsAt}, which ends it at once.
 */
final class AlertmanagerNotifier extends PostingNotifier {
  private final HttpUrl endpoint;
  private final Clock clock;

  /**
   * @param base Alertmanager's URL, e.g. {@code http://alertmanager:9093} (a path prefix is kept; a
   *     URL already ending in {@code /api/v2/alerts} is used as is)
   */
  AlertmanagerNotifier(
      String name,
      HttpUrl base,
      Set<String> severities,
      Route route,
      JsonPoster poster,
      Clock clock) {
    super(name, "alertmanager", severities, route, true, poster);
    this.endpoint =
        base.encodedPath().endsWith("/api/v2/alerts")
            ? base
            : base.newBuilder().addPathSegments("api/v2/alerts").build();
    this.clock = clock;
  }

  /** The URL alerts are posted to. */
  HttpUrl endpoint() {
    return endpoint;
  }

  @Override
  public void send(List<Alert> alerts) throws DeliveryException {
    if (alerts.isEmpty()) {
      return;
    }
    poster.post(
        "alertmanager notifier \"" + name() + "\"", endpoint.toString(), body(alerts), List.of());
  }

  /** The request body: a JSON array with one object per alert. */
  ArrayNode body(List<Alert> alerts) {
    Instant now = clock.instant();
    ArrayNode arr = Payloads.JSON.createArrayNode();
    for (Alert a : alerts) {
      ObjectNode o = arr.addObject();
      ObjectNode labels = o.putObject("labels");
      a.labels().forEach(labels::put);
      ObjectNode ann = o.putObject("annotations");
      Payloads.annotationsWithTickets(a, now).forEach(ann::put);
      o.put("startsAt", a.startsAt().toString());
      if (!a.firing()) {
        o.put("endsAt", Payloads.endedAt(a, now).toString());
      }
      Payloads.putIfPresent(o, "generatorURL", a.generatorUrl());
    }
    return arr;
  }

  @Override
  public String toString() {
    return "AlertmanagerNotifier[" + name() + " -> " + endpoint + "]";
  }
}
