package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.notify.NotifyFixtures.RecordingSleeper;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes: two teams' Slack channels (WireMock receivers) with {@code match} / {@code match_re} and
 * a catch-all webhook. Each receiver gets exactly its own team's alerts.
 */
class DispatcherRoutesTest {
  static final String SLACK = "/services/T000/B000/slackSECRET";
  static final String HOOK = "/hook";

  final List<WireMockServer> servers = new ArrayList<>();
  WireMockServer billing;
  WireMockServer tech;
  WireMockServer ops;
  MutableClock clock = NotifyFixtures.clock();
  PrometheusRegistry registry = new PrometheusRegistry();
  NotifyMetrics metrics = NotifyMetrics.register(registry);
  InMemorySentLog sentLog = new InMemorySentLog();
  Dispatcher dispatcher;

  @BeforeEach
  void start() {
    billing = server(SLACK);
    tech = server(SLACK);
    ops = server(HOOK);
  }

  WireMockServer server(String path) {
    WireMockServer s = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    s.start();
    s.stubFor(post(path).willReturn(aResponse().withStatus(200).withBody("ok")));
    servers.add(s);
    return s;
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    servers.forEach(WireMockServer::stop);
  }

  /** A Slack notifier posting to {@code to}, with its route keys ({@code "match", Map.of(...)}). */
  static Map<String, Object> slack(String name, WireMockServer to, Object... route) {
    List<Object> kv =
        new java.util.ArrayList<>(
            List.of("name", name, "type", "slack", "webhook_url", to.baseUrl() + SLACK));
    kv.addAll(List.of(route));
    return block(kv.toArray());
  }

  /** A dispatcher over these notifier blocks, repeating every 4h on this test's clock and log. */
  @SafeVarargs
  final Dispatcher routed(Map<String, Object>... blocks) {
    List<Notifier> n = NotifyFixtures.notifiers(clock, blocks);
    return new Dispatcher(n, sentLog, Duration.ofHours(4), clock, metrics, new RecordingSleeper());
  }

  static Map<String, Object> block(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** billing: match group=Billing; tech: match_re group=Tech.*; ops: the catch-all webhook. */
  Dispatcher teams() {
    dispatcher =
        routed(
            slack("billing", billing, "match", Map.of("group", "Billing")),
            slack("tech", tech, "match_re", Map.of("group", "Tech.*")),
            block("name", "ops", "type", "webhook", "url", ops.baseUrl() + HOOK));
    return dispatcher;
  }

  /** The fixture alert with another name and group (null: no group label). */
  static Alert alert(String name, String group, boolean firing) {
    Alert a = NotifyFixtures.alert(name, "warning", firing);
    TreeMap<String, String> labels = new TreeMap<>(a.labels());
    if (group == null) {
      labels.remove("group");
    } else {
      labels.put("group", group);
    }
    return new Alert(
        labels,
        a.annotations(),
        a.firing(),
        a.startsAt(),
        a.endsAt(),
        a.value(),
        a.condition(),
        a.tickets(),
        a.generatorUrl());
  }

  void evaluate(List<Alert> firing, List<Alert> resolved) throws InterruptedException {
    dispatcher.offer(firing, resolved);
    assertThat(dispatcher.awaitIdle(Duration.ofSeconds(10))).isTrue();
  }

  /** The {@code text} of every Slack message the server got, in order. */
  static List<String> slackTexts(WireMockServer s) throws Exception {
    List<String> out = new ArrayList<>();
    for (LoggedRequest r : s.findAll(postRequestedFor(urlEqualTo(SLACK)))) {
      out.add(Payloads.JSON.readTree(r.getBodyAsString()).get("text").asText());
    }
    return out;
  }

  /** Per webhook request: its status and each alert's alertname/group, in order. */
  static List<String> hookAlerts(WireMockServer s) throws Exception {
    List<String> out = new ArrayList<>();
    for (LoggedRequest r : s.findAll(postRequestedFor(urlEqualTo(HOOK)))) {
      for (JsonNode a : Payloads.JSON.readTree(r.getBodyAsString()).get("alerts")) {
        JsonNode l = a.get("labels");
        out.add(
            a.get("status").asText()
                + " "
                + l.get("alertname").asText()
                + "/"
                + (l.has("group") ? l.get("group").asText() : "-"));
      }
    }
    return out;
  }

  @Test
  void eachTeamGetsOnlyItsOwnAlertsAndTheCatchAllTheRest() throws Exception {
    teams();
    evaluate(
        List.of(
            alert("BillingSlow", "Billing", true),
            alert("TechSlow", "Tech Support", true),
            alert("SalesSlow", "Sales", true),
            alert("Backlog", null, true)),
        List.of());

    assertThat(slackTexts(billing))
        .containsExactly("[FIRING] BillingSlow: CSAT is 81% (zendesk/Billing)");
    assertThat(slackTexts(tech))
        .containsExactly("[FIRING] TechSlow: CSAT is 81% (zendesk/Tech Support)");
    assertThat(hookAlerts(ops)).containsExactly("firing SalesSlow/Sales", "firing Backlog/-");
    assertThat(NotifyFixtures.count(registry, "billing", "sent")).isEqualTo(1);
    assertThat(NotifyFixtures.count(registry, "tech", "sent")).isEqualTo(1);
    assertThat(NotifyFixtures.count(registry, "ops", "sent")).isEqualTo(2);
  }

  @Test
  void resolveGoesWhereTheFiringAlertWent() throws Exception {
    teams();
    evaluate(
        List.of(alert("BillingSlow", "Billing", true), alert("SalesSlow", "Sales", true)),
        List.of());
    evaluate(
        List.of(),
        List.of(alert("BillingSlow", "Billing", false), alert("SalesSlow", "Sales", false)));

    assertThat(slackTexts(billing))
        .containsExactly(
            "[FIRING] BillingSlow: CSAT is 81% (zendesk/Billing)",
            "[RESOLVED] BillingSlow: CSAT is 81% (zendesk/Billing)");
    assertThat(slackTexts(tech)).isEmpty();
    assertThat(hookAlerts(ops))
        .containsExactly("firing SalesSlow/Sales", "resolved SalesSlow/Sales");
  }

  @Test
  void anAlertMatchingTwoRoutesGoesToBothAndNotToTheCatchAll() throws Exception {
    dispatcher =
        routed(
            slack("billing", billing, "match", Map.of("group", "Billing")),
            slack("zendesk", tech, "match", Map.of("source", "zendesk")),
            block("name", "ops", "type", "webhook", "url", ops.baseUrl() + HOOK));

    evaluate(List.of(alert("BillingSlow", "Billing", true)), List.of());

    assertThat(slackTexts(billing)).hasSize(1);
    assertThat(slackTexts(tech)).hasSize(1);
    assertThat(ops.findAll(postRequestedFor(urlEqualTo(HOOK)))).isEmpty();
  }

  @Test
  void aRouteWhoseSeveritiesRefuseTheAlertLeavesItToTheCatchAll() throws Exception {
    dispatcher =
        routed(
            slack(
                "billing",
                billing,
                "match",
                Map.of("group", "Billing"),
                "severities",
                List.of("critical")),
            block("name", "ops", "type", "webhook", "url", ops.baseUrl() + HOOK));

    evaluate(List.of(alert("BillingSlow", "Billing", true)), List.of()); // warning

    assertThat(slackTexts(billing)).isEmpty();
    assertThat(hookAlerts(ops)).containsExactly("firing BillingSlow/Billing");
  }

  @Test
  void matchReIsAnchoredAtBothEnds() throws Exception {
    dispatcher =
        routed(
            slack("billing", billing, "match_re", Map.of("group", "Bill|Billing EU")),
            block("name", "ops", "type", "webhook", "url", ops.baseUrl() + HOOK));

    evaluate(
        List.of(
            alert("A", "Bill", true),
            alert("B", "Billing EU", true),
            alert("C", "Billing", true), // "Bill" is a prefix only
            alert("D", "Old Billing EU", true)), // "Billing EU" is a suffix only
        List.of());

    assertThat(slackTexts(billing))
        .containsExactly( // one message per batch, a line per alert
            "[FIRING] A: CSAT is 81% (zendesk/Bill)\n[FIRING] B: CSAT is 81% (zendesk/Billing EU)");
    assertThat(hookAlerts(ops)).containsExactly("firing C/Billing", "firing D/Old Billing EU");
  }

  @Test
  void aMissingLabelMatchesAsTheEmptyString() throws Exception {
    dispatcher =
        routed(
            slack("nogroup", billing, "match", Map.of("group", "")),
            slack("any", tech, "match_re", Map.of("team", ".*")));

    evaluate(
        List.of(alert("Backlog", null, true), alert("BillingSlow", "Billing", true)), List.of());

    assertThat(slackTexts(billing)).containsExactly("[FIRING] Backlog: CSAT is 81% (zendesk)");
    // no alert has a label "team": ".*" matches the empty string, so both go to "any"
    assertThat(slackTexts(tech))
        .containsExactly(
            "[FIRING] Backlog: CSAT is 81% (zendesk)\n"
                + "[FIRING] BillingSlow: CSAT is 81% (zendesk/Billing)");
  }
}
