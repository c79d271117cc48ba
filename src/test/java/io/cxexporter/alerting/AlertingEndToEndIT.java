package io.cxexporter.alerting;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.TestApps;
import io.cxexporter.testing.AlertmanagerServer;
import io.cxexporter.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "done when", end to end: the demo with BacklogHigh at a low threshold; a webhook
 * (first answering 503), a Slack-shaped and a PagerDuty-shaped receiver on WireMock and a real
 * Alertmanager get the alert with its tickets within two evaluations; nothing is re-sent on later
 * evaluations or after a restart; the resolve arrives when the condition clears.
 */
class AlertingEndToEndIT {
  static final String ROUTING_KEY = "R0123456789abcdef0123456789abcde";
  @TempDir Path dir;
  WireMockServer receivers;
  AlertmanagerServer am;
  TestApps.Running app;

  @BeforeEach
  void start() throws Exception {
    receivers = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    receivers.start();
    receivers.stubFor(
        post(urlPathEqualTo("/hook"))
            .inScenario("hook")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    receivers.stubFor(
        post(urlPathEqualTo("/hook"))
            .inScenario("hook")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200)));
    receivers.stubFor(
        post(urlPathMatching("/slack/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    receivers.stubFor(
        post(urlPathEqualTo("/pd"))
            .willReturn(
                aResponse()
                    .withStatus(202)
                    .withBody("{\"status\":\"success\",\"message\":\"Event processed\"}")));
    receivers.stubFor(post(urlPathEqualTo("/am-hook")).willReturn(aResponse().withStatus(200)));
    Files.createDirectories(dir.resolve("am"));
    am =
        AlertmanagerServer.start(
            dir.resolve("am"),
            "route: {receiver: capture, group_by: [alertname], group_wait: 1s,"
                + " group_interval: 1s, repeat_interval: 1h}\n"
                + "receivers:\n"
                + "  - name: capture\n"
                + "    webhook_configs: [{url: '"
                + receivers.baseUrl()
                + "/am-hook', send_resolved: true}]\n");
    Files.createDirectories(dir.resolve("exporter"));
    app = TestApps.start(dir.resolve("exporter"), yaml(1));
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    if (am != null) {
      am.close();
    }
    receivers.stop();
  }

  String yaml(int threshold) {
    String demo = ConfigLoader.builtInDemoText();
    return demo.substring(demo.indexOf("kpi:"))
        + "alerting:\n"
        + "  evaluation_interval: 1s\n"
        + "  rules:\n"
        + "    - alert: BacklogHigh\n"
        + "      expr: {kpi: tickets_open}\n"
        + "      above: "
        + threshold
        + "\n"
        + "      summary: \"Backlog is {{ $value }} tickets\"\n"
        + "  notifiers:\n"
        + "    - {name: am, type: alertmanager, url: \""
        + am.url()
        + "\"}\n"
        + "    - {name: hook, type: webhook, url: \""
        + receivers.baseUrl()
        + "/hook\"}\n"
        + "    - {name: chat, type: slack, webhook_url: \""
        + receivers.baseUrl()
        + "/slack/T000/B000/XXXXSECRET\"}\n"
        + "    - {name: pager, type: pagerduty, routing_key: "
        + ROUTING_KEY
        + ", url: \""
        + receivers.baseUrl()
        + "/pd\"}\n";
  }

  List<LoggedRequest> requests(String pathRegex) {
    return receivers.findAll(postRequestedFor(urlPathMatching(pathRegex)));
  }

  long count(String pathRegex, Predicate<String> body) {
    return requests(pathRegex).stream().filter(r -> body.test(r.getBodyAsString())).count();
  }

  boolean amHolds(Predicate<JsonNode> alert) {
    for (JsonNode a : am.alerts()) {
      if (a.path("labels").path("alertname").asText().equals("BacklogHigh") && alert.test(a)) {
        return true;
      }
    }
    return false;
  }

  /** The value of one series on the exporter's /metrics, 0 when it is not there. */
  double metric(String series) {
    return Http.get(app.port(), "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(0);
  }

  /**
   * Waits until the running exporter has evaluated the rules {@code n} more times with the alert
   * firing. Alertmanager gets every firing alert re-posted after each evaluation, so its sent count
   * grows by the firing count each time.
   */
  void awaitEvaluations(int n) {
    String sent = "cx_notifications_total{notifier=\"am\",result=\"sent\"}";
    String firing = "cx_alerts{alertname=\"BacklogHigh\",state=\"firing\"}";
    double before = metric(sent);
    await(n + " more evaluations with BacklogHigh firing, posted to Alertmanager")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              double f = metric(firing);
              return f > 0 && metric(sent) >= before + n * f;
            });
  }

  @Test
  void everyReceiverGetsTheAlertOnceWithItsTicketsAndTheResolve() throws Exception {
    // the demo's backfill takes a few seconds; then two 1 s evaluations at most
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        count("/hook", b -> b.contains("BacklogHigh")) >= 2
                            && count("/slack/.*", b -> true) >= 1
                            && count("/pd", b -> true) >= 1
                            && amHolds(a -> true))
                    .as(() -> "all receivers within a minute\n" + am.log())
                    .isTrue());
    // the webhook's 503 was retried; the delivery carries the tickets
    assertThat(requests("/hook")).hasSize(2);
    String hook = requests("/hook").get(1).getBodyAsString();
    assertThat(hook)
        .contains("\"version\":\"4\"")
        .contains("\"status\":\"firing\"")
        .contains("\"alertname\":\"BacklogHigh\"")
        .contains("\"tickets\":[{\"id\":");
    assertThat(requests("/slack/.*").get(0).getBodyAsString())
        .contains("BacklogHigh")
        .contains("\"blocks\"");
    assertThat(requests("/pd").get(0).getBodyAsString())
        .contains("\"event_action\":\"trigger\"")
        .contains("\"routing_key\":\"" + ROUTING_KEY + "\"")
        .contains("\"dedup_key\":");
    assertThat(amHolds(a -> !a.path("annotations").path("tickets").asText().isEmpty()))
        .as("Alertmanager holds it with its tickets")
        .isTrue();
    await("Alertmanager routed it on")
        .atMost(Duration.ofSeconds(15))
        .until(() -> count("/am-hook", b -> b.contains("firing")) > 0);

    // later evaluations re-post to Alertmanager only
    awaitEvaluations(3);
    assertThat(requests("/slack/.*")).hasSize(1);
    assertThat(requests("/pd")).hasSize(1);
    assertThat(requests("/hook")).hasSize(2);

    // a restart while firing does not page again
    app.close();
    app = TestApps.start(dir.resolve("exporter"), yaml(1));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Http.get(app.port(), "/-/ready").statusCode() == 200);
    awaitEvaluations(3);
    assertThat(requests("/slack/.*")).hasSize(1);
    assertThat(requests("/pd")).hasSize(1);
    assertThat(Http.get(app.port(), "/").body())
        .contains("data-alert=\"BacklogHigh\" data-state=\"firing\"")
        .doesNotContain(ROUTING_KEY)
        .doesNotContain("XXXXSECRET");

    // the condition clears: a resolve to everyone
    Files.writeString(
        app.configFile(),
        Files.readString(app.configFile()).replace("above: 1\n", "above: 1000000\n"));
    assertThat(Http.post(app.port(), "/-/reload").statusCode()).isEqualTo(200);
    await("resolved everywhere")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                count("/pd", b -> b.contains("\"event_action\":\"resolve\"")) == 1
                    && count("/hook", b -> b.contains("\"status\":\"resolved\"")) == 1
                    && requests("/slack/.*").size() == 2
                    && !amHolds(
                        a -> Instant.parse(a.path("endsAt").asText()).isAfter(Instant.now())));
    assertThat(Http.get(app.port(), "/metrics").body())
        .contains("cx_alerts{alertname=\"BacklogHigh\",state=\"firing\"} 0.0")
        .contains("cx_notifications_total{notifier=\"pager\",result=\"sent\"}")
        .doesNotContain(ROUTING_KEY)
        .doesNotContain("XXXXSECRET");
  }
}
