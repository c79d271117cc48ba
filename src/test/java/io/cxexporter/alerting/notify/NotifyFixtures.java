package io.cxexporter.alerting.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.TicketRef;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.util.Sleeper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.OkHttpClient;

/** Alerts, config blocks and a recording sleeper shared by the notifier tests. */
final class NotifyFixtures {
  static final Instant START = Instant.parse("2026-11-18T12:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-18T13:00:00Z");
  static final String STATUS_URL = "http://cx-exporter:9184/#alerts";
  static final String TICKET_URL = "https://acme.zendesk.com/agent/tickets/123";

  /** The {@code tickets} annotation of {@link #csatLow}, at {@link #NOW}. */
  static final String TICKETS_TEXT =
      "#123 Printer on fire (Billing, open 3h 12m, due in 45m) " + TICKET_URL + "\n#124 (open 30m)";

  private NotifyFixtures() {}

  /** A critical CSAT alert of zendesk/Billing with two tickets. */
  static Alert csatLow(boolean firing) {
    return alert("CsatLow", "critical", firing);
  }

  static Alert alert(String name, String severity, boolean firing) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("alertname", name);
    labels.put("severity", severity);
    labels.put("source", "zendesk");
    labels.put("group", "Billing");
    labels.put("kpi", "csat");
    labels.put("window", "7d");
    Map<String, String> annotations =
        Map.of(
            "summary", "CSAT is 81%",
            "description", "CSAT over 7d for Billing is 81%, below the 85% target.",
            "value", "81%",
            "threshold", "85%",
            "runbook_url", "https://runbooks.example/cx#csatlow");
    List<TicketRef> tickets =
        List.of(
            new TicketRef(
                "123",
                "Printer on fire",
                "Billing",
                Duration.ofMinutes(192),
                NOW.plus(Duration.ofMinutes(45)),
                TICKET_URL),
            new TicketRef("124", null, null, Duration.ofMinutes(30), null, null));
    return new Alert(
        labels,
        annotations,
        firing,
        START,
        firing ? null : NOW,
        0.81,
        "below 0.85",
        tickets,
        STATUS_URL);
  }

  /** Reads notifier blocks as {@code alerting.notifiers}; problems go to {@code problems}. */
  static List<Notifier> read(
      Problems problems, Clock clock, OkHttpClient client, List<Map<String, Object>> blocks) {
    Settings root =
        Settings.root(
            Map.of("alerting", Map.of("notifiers", blocks)),
            problems,
            k -> k.equals("SLACK_URL") ? "https://hooks.slack.com/services/T0/B0/envSECRET" : null,
            Path.of("."));
    return Notifiers.read(root.object("alerting").objects("notifiers"), clock, client);
  }

  /** Reads valid blocks; fails the test on any problem. */
  @SafeVarargs
  static List<Notifier> notifiers(Clock clock, Map<String, Object>... blocks) {
    Problems p = new Problems();
    List<Notifier> n = read(p, clock, JsonPoster.SHARED, List.of(blocks));
    assertThat(p.messages()).isEmpty();
    return n;
  }

  static Notifier notifier(Clock clock, Map<String, Object> block) {
    return notifiers(clock, block).get(0);
  }

  static MutableClock clock() {
    return new MutableClock(NOW);
  }

  /** The counter's value, or NaN when the series does not exist. */
  static double count(PrometheusRegistry r, String notifier, String result) {
    for (MetricSnapshot s : r.scrape()) {
      if (s instanceof CounterSnapshot c && s.getMetadata().getName().equals("cx_notifications")) {
        for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
          if (notifier.equals(d.getLabels().get("notifier"))
              && result.equals(d.getLabels().get("result"))) {
            return d.getValue();
          }
        }
      }
    }
    return Double.NaN;
  }

  /** A sleeper that records each wait and returns at once. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sleep(Duration d) throws InterruptedException {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      waits.add(d);
    }
  }
}
