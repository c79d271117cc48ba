package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.alerting.DueTicket;
import io.cxexporter.alerting.RuleEvaluator;
import io.cxexporter.alerting.SlaReminders;
import io.cxexporter.alerting.TicketRef;
import io.cxexporter.alerting.notify.NotifyMetrics;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.store.AlertLog;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLA reminders end to end through the agent, with a fixed clock stepped by hand, the state file in
 * a temp dir (a restart is a new agent on the same dir), and WireMock receivers: a Billing Slack
 * channel routed by {@code match} and a catch-all webhook.
 */
class AlertAgentRemindersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SLACK = "/services/T000/B000/billing";
  static final String HOOK = "/hook";
  static final Instant T0 = Instant.parse("2026-11-18T08:00:00Z");
  static final Instant DUE = T0.plus(Duration.ofHours(4));
  static final String URL = "https://acme.zendesk.com/agent/tickets/123";

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(T0);
  final List<DueTicket> open = new CopyOnWriteArrayList<>();
  WireMockServer billing;
  WireMockServer ops;
  Store store;
  AlertAgent agent;
  PrometheusRegistry registry;

  @BeforeEach
  void start() {
    billing = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    billing.start();
    billing.stubFor(post(SLACK).willReturn(aResponse().withStatus(200).withBody("ok")));
    ops = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    ops.start();
    ops.stubFor(post(HOOK).willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    stopAgent();
    billing.stop();
    ops.stop();
  }

  String yaml(String rule) {
    return """
        alerting:
          repeat_interval: 4h
          rules:
            - alert: SlaDueSoon
              expr: {kpi: sla_at_risk_tickets, group: "*"}
              above: 0
              severity: warning
        %s
          notifiers:
            - {name: billing, type: slack, webhook_url: "%s", match: {group: Billing}}
            - {name: ops, type: webhook, url: "%s"}
        """
        .formatted(rule, billing.baseUrl() + SLACK, ops.baseUrl() + HOOK);
  }

  static final String THRESHOLDS = "      remind_before: [1h, 3h, 2h]";
  static final String BREACH = "      remind_after_breach: true";

  /** A new agent (a start or a restart) on the state dir. */
  void startAgent(String ruleKeys) {
    Problems p = new Problems();
    Settings root = Settings.root(Configs.yaml(yaml(ruleKeys)), p, k -> null, Path.of("."));
    AlertingConfig config =
        AlertingConfig.read(root.object("alerting"), List.of("group"), Set.of("1h"));
    store = Store.open(dir, clock);
    AlertLog log = new AlertLog(store);
    RuleEvaluator evaluator =
        new RuleEvaluator(
            config,
            List.of("group"),
            log,
            clock,
            () -> new KpiSnapshot(clock.instant(), List.of()),
            Map::of,
            (rule, labels) -> List.of(),
            "http://cx:9184/");
    SlaReminders reminders =
        new SlaReminders(config, () -> List.copyOf(open), clock, "http://cx:9184/");
    registry = new PrometheusRegistry();
    agent =
        AlertAgent.create(
            config,
            evaluator,
            reminders,
            log,
            registry,
            NotifyMetrics.register(registry),
            clock,
            0,
            1);
    root.finish(); // the notifier blocks are read by create
    assertThat(p.messages()).isEmpty();
  }

  void stopAgent() {
    if (agent != null) {
      agent.close();
      store.close();
      agent = null;
    }
  }

  void at(Duration sinceT0) throws InterruptedException {
    clock.set(T0.plus(sinceT0));
    agent.evaluateOnce();
    assertThat(agent.awaitIdle(Duration.ofSeconds(10))).isTrue();
  }

  static DueTicket ticket(String id, String subject, String group, Instant due) {
    return DueTicket.of(
        "zendesk",
        Map.of("group", group),
        new TicketRef(
            id,
            subject,
            group,
            Duration.ofHours(1),
            due,
            "https://acme.zendesk.com/agent/tickets/" + id));
  }

  static List<String> slackTexts(WireMockServer s) throws Exception {
    List<String> out = new ArrayList<>();
    for (LoggedRequest r : s.findAll(postRequestedFor(urlEqualTo(SLACK)))) {
      out.add(JSON.readTree(r.getBodyAsString()).get("text").asText());
    }
    return out;
  }

  double reminders(String notifier, String result) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof CounterSnapshot c && s.getMetadata().getName().equals("cx_reminders")) {
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

  static String text(String left) {
    return "[FIRING] SlaDueSoon: #123 Printer on fire: SLA due in " + left + " (zendesk/Billing)";
  }

  @Test
  void oneReminderPerThresholdPerTicket() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));

    at(Duration.ZERO); // 4h left: nothing yet
    assertThat(slackTexts(billing)).isEmpty();
    at(Duration.ofHours(1)); // 3h left
    at(Duration.ofHours(1).plusSeconds(30));
    at(Duration.ofMinutes(119));
    at(Duration.ofHours(2)); // 2h left
    at(Duration.ofHours(2).plusMinutes(30));
    at(Duration.ofMinutes(3 * 60 + 15)); // 45m left
    at(Duration.ofMinutes(3 * 60 + 50));

    assertThat(slackTexts(billing)).containsExactly(text("3h"), text("2h"), text("45m"));
    assertThat(ops.findAll(postRequestedFor(urlEqualTo(HOOK)))).isEmpty();
    assertThat(reminders("billing", "sent")).isEqualTo(3);
    assertThat(reminders("ops", "sent")).isZero();
  }

  @Test
  void theReminderNamesTheTicketAndItsLink() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));

    at(Duration.ofHours(1));

    String body = billing.findAll(postRequestedFor(urlEqualTo(SLACK))).get(0).getBodyAsString();
    assertThat(body).contains(URL).contains("#123").contains("Printer on fire");
  }

  @Test
  void aRestartBetweenThresholdsNeitherRepeatsNorSkips() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));
    at(Duration.ofHours(1)); // 3h reminder
    stopAgent();

    startAgent(THRESHOLDS); // down while the 2h threshold passed
    at(Duration.ofMinutes(150)); // 1h 30m left: the 2h reminder, not 3h again
    at(Duration.ofMinutes(151));
    stopAgent();

    startAgent(THRESHOLDS); // a restart with nothing new to say
    at(Duration.ofMinutes(152));
    at(Duration.ofMinutes(3 * 60 + 1)); // 59m left

    assertThat(slackTexts(billing)).containsExactly(text("3h"), text("1h 30m"), text("59m"));
  }

  /** Per webhook request, each reminder's ticket, threshold and summary. */
  List<String> hookReminders() throws Exception {
    List<String> out = new ArrayList<>();
    for (LoggedRequest r : ops.findAll(postRequestedFor(urlEqualTo(HOOK)))) {
      for (JsonNode a : JSON.readTree(r.getBodyAsString()).get("alerts")) {
        out.add(
            a.get("labels").get("ticket_id").asText()
                + " "
                + a.get("annotations").get("reminder").asText()
                + ": "
                + a.get("annotations").get("summary").asText());
      }
    }
    return out;
  }

  @Test
  void aTicketPastSeveralThresholdsGetsOnlyTheMostUrgent() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("200", "Refund", "Sales", DUE)); // to the catch-all webhook

    at(Duration.ofMinutes(3 * 60 + 30)); // first seen with 30m left: 3h and 2h are not sent
    at(Duration.ofMinutes(3 * 60 + 45));

    assertThat(hookReminders()).containsExactly("200 1h: #200 Refund: SLA due in 30m");
  }

  @Test
  void aBreachedTicketIsAnnouncedEveryRepeatIntervalUntilSolved() throws Exception {
    startAgent(BREACH);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));

    at(Duration.ofHours(3)); // before the due time: no remind_before, nothing
    at(Duration.ofHours(4).plusMinutes(5)); // breached
    at(Duration.ofHours(6));
    stopAgent();
    startAgent(BREACH); // a restart does not announce it again early
    at(Duration.ofHours(8));
    at(Duration.ofHours(8).plusMinutes(5)); // 4h after the last one
    at(Duration.ofHours(10));
    open.clear(); // solved
    at(Duration.ofHours(12).plusMinutes(5));
    at(Duration.ofHours(20));

    assertThat(slackTexts(billing))
        .containsExactly(
            "[FIRING] SlaDueSoon: #123 Printer on fire: SLA breached 5m ago (zendesk/Billing)",
            "[FIRING] SlaDueSoon: #123 Printer on fire: SLA breached 4h 5m ago (zendesk/Billing)");
  }

  @Test
  void withoutRemindAfterBreachABreachedTicketGetsNothing() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));

    at(Duration.ofHours(5));

    assertThat(slackTexts(billing)).isEmpty();
  }

  @Test
  void aDueTimeMovedByTheVendorGivesNewReminders() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));
    at(Duration.ofHours(1)); // 3h reminder for DUE
    open.set(0, ticket("123", "Printer on fire", "Billing", DUE.plus(Duration.ofHours(2))));
    at(Duration.ofHours(2)); // 4h left of the new due time: nothing
    at(Duration.ofHours(3)); // 3h left of the new due time

    assertThat(slackTexts(billing)).containsExactly(text("3h"), text("3h"));
  }

  @Test
  void remindersFollowTheRoutes() throws Exception {
    startAgent(THRESHOLDS);
    open.add(ticket("123", "Printer on fire", "Billing", DUE));
    open.add(ticket("200", null, "Sales", DUE));

    at(Duration.ofHours(1));

    assertThat(slackTexts(billing)).containsExactly(text("3h"));
    List<LoggedRequest> hook = ops.findAll(postRequestedFor(urlEqualTo(HOOK)));
    assertThat(hook).hasSize(1);
    JsonNode alerts = JSON.readTree(hook.get(0).getBodyAsString()).get("alerts");
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("labels").get("ticket_id").asText()).isEqualTo("200");
    assertThat(alerts.get(0).get("labels").get("group").asText()).isEqualTo("Sales");
    assertThat(alerts.get(0).get("annotations").get("summary").asText())
        .isEqualTo("#200: SLA due in 3h");
    assertThat(alerts.get(0).get("annotations").get("reminder").asText()).isEqualTo("3h");
  }
}
