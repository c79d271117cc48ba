package io.cxexporter.alerting.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.alerting.Alert;
import io.cxexporter.config.Secret;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posts each batch as Alertmanager's webhook payload (version 4), so receivers written for
 * Alertmanager's {@code webhook_configs} work unchanged. Each alert also carries a {@code tickets}
 * array of ticket objects beside the plain-text {@code tickets} annotation.
 *
 * <pre>{@code
 * {"receiver": "hook", "status": "firing", "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0,
 *  "groupLabels": {}, "commonLabels": {...}, "commonAnnotations": {...}, "externalURL": "",
 *  "alerts": [{"status": "firing", "labels": {...}, "annotations": {..., "tickets": "#123 ..."},
 *              "startsAt": "2026-11-18T12:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
 *              "generatorURL": "...", "fingerprint": "1a2b3c4d5e6f7a8b",
 *              "tickets": [{"id": "123", "subject": "...", "age": "3h 12m", ...}]}]}
 * }</pre>
 *
 * <p>As in Alertmanager, a firing alert's {@code endsAt} is {@code 0001-01-01T00:00:00Z}, the batch
 * status is {@code firing} when any alert fires, and there is no grouping ({@code groupLabels} is
 * empty, {@code groupKey} is {@code {}:{}}).
 */
final class WebhookNotifier extends PostingNotifier {
  /** Alertmanager's zero time, the {@code endsAt} of a firing alert. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private final Secret url;
  private final Clock clock;

  WebhookNotifier(
      String name,
      Secret url,
      Set<String> severities,
      Route route,
      JsonPoster poster,
      Clock clock) {
    super(name, "webhook", severities, route, false, poster);
    this.url = url;
    this.clock = clock;
  }

  @Override
  public void send(List<Alert> alerts) throws DeliveryException {
    if (alerts.isEmpty()) {
      return;
    }
    poster.post(
        "webhook notifier \"" + name() + "\"",
        url.reveal(),
        body(alerts),
        Payloads.urlFragments(url.reveal()));
  }

  /** The request body. */
  ObjectNode body(List<Alert> alerts) {
    Instant now = clock.instant();
    ObjectNode o = Payloads.JSON.createObjectNode();
    o.put("receiver", name());
    o.put("status", alerts.stream().anyMatch(Alert::firing) ? "firing" : "resolved");
    ArrayNode arr = o.putArray("alerts");
    List<Map<String, String>> annotations = new ArrayList<>();
    for (Alert a : alerts) {
      ObjectNode x = arr.addObject();
      x.put("status", a.firing() ? "firing" : "resolved");
      ObjectNode labels = x.putObject("labels");
      a.labels().forEach(labels::put);
      Map<String, String> ann = Payloads.annotationsWithTickets(a, now);
      annotations.add(ann);
      ObjectNode annNode = x.putObject("annotations");
      ann.forEach(annNode::put);
      x.put("startsAt", a.startsAt().toString());
      x.put("endsAt", a.firing() ? ZERO_TIME : Payloads.endedAt(a, now).toString());
      x.put("generatorURL", a.generatorUrl() == null ? "" : a.generatorUrl());
      x.put("fingerprint", a.fingerprint());
      x.set("tickets", Payloads.ticketsJson(a));
    }
    o.putObject("groupLabels");
    ObjectNode common = o.putObject("commonLabels");
    common(alerts.stream().map(Alert::labels).map(m -> (Map<String, String>) m).toList())
        .forEach(common::put);
    ObjectNode commonAnn = o.putObject("commonAnnotations");
    common(annotations).forEach(commonAnn::put);
    o.put("externalURL", "");
    o.put("version", "4");
    o.put("groupKey", "{}:{}");
    o.put("truncatedAlerts", 0);
    return o;
  }

  /** The pairs every map has with the same value. */
  static Map<String, String> common(List<Map<String, String>> maps) {
    Map<String, String> out = new LinkedHashMap<>(maps.get(0));
    for (Map<String, String> m : maps.subList(1, maps.size())) {
      out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
    }
    return out;
  }

  @Override
  public String toString() {
    return "WebhookNotifier[" + name() + "]";
  }
}
