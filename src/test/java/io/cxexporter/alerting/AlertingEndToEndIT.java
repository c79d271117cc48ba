package io.cxexporter.alerting;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void everyReceiverGetsTheAlertOnceWithItsTicketsAndTheResolve() throws Exception {
    // the demo's backfill takes a few seconds; then two 1 s evaluations at most
    assertThat(
            Http.await(
                Duration.ofSeconds(60),
                () ->
                    count("/hook", b -> b.contains("BacklogHigh")) >= 2
                        && count("/slack/.*", b -> true) >= 1
                        && count("/pd", b -> true) >= 1
                        && amHolds(a -> true)))
        .as("all receivers within a minute\n" + am.log())
        .isTrue();
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
    assertThat(
            Http.await(
                Duration.ofSeconds(15), () -> count("/am-hook", b -> b.contains("firing")) > 0))
        .as("Alertmanager routed it on")
        .isTrue();

    // later evaluations re-post to Alertmanager only
    Thread.sleep(3000);
    assertThat(requests("/slack/.*")).hasSize(1);
    assertThat(requests("/pd")).hasSize(1);
    assertThat(requests("/hook")).hasSize(2);

    // a restart while firing does not page again
    app.close();
    app = TestApps.start(dir.resolve("exporter"), yaml(1));
    assertThat(
            Http.await(
                Duration.ofSeconds(60), () -> Http.get(app.port(), "/-/ready").statusCode() == 200))
        .isTrue();
    Thread.sleep(3000);
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
    assertThat(
            Http.await(
                Duration.ofSeconds(20),
                () ->
                    count("/pd", b -> b.contains("\"event_action\":\"resolve\"")) == 1
                        && count("/hook", b -> b.contains("\"status\":\"resolved\"")) == 1
                        && requests("/slack/.*").size() == 2
                        && !amHolds(
                            a -> Instant.parse(a.path("endsAt").asText()).isAfter(Instant.now()))))
        .as("resolved everywhere")
        .isTrue();
    assertThat(Http.get(app.port(), "/metrics").body())
        .contains("cx_alerts{alertname=\"BacklogHigh\",state=\"firing\"} 0.0")
        .contains("cx_notifications_total{notifier=\"pager\",result=\"sent\"}")
        .doesNotContain(ROUTING_KEY)
        .doesNotContain("XXXXSECRET");
  }
}
