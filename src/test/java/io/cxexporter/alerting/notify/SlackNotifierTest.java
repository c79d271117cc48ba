package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.alerting.notify.NotifyFixtures.START;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.alerting.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack incoming webhooks: text plus blocks with value, threshold, source, group and tickets. */
class SlackNotifierTest {
  static final String PATH = "/services/T000/B000/XXXXslackSECRET";

  WireMockServer slack;

  @BeforeEach
  void start() {
    slack = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    slack.start();
    slack.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withBody("ok")));
  }

  @AfterEach
  void stop() {
    slack.stop();
  }

  Notifier notifier() {
    return NotifyFixtures.notifier(
        NotifyFixtures.clock(),
        Map.of("name", "chat", "type", "slack", "webhook_url", slack.baseUrl() + PATH));
  }

  @Test
  void firingMessage() throws Exception {
    notifier().send(List.of(csatLow(true)));

    String expected =
        """
        {"text": "[FIRING] CsatLow: CSAT is 81% (zendesk/Billing)",
         "blocks": [
          {"type": "section", "text": {"type": "mrkdwn",
            "text": ":red_circle: *[FIRING] CsatLow* - CSAT is 81%\\nCSAT over 7d for Billing is 81%, below the 85% target."}},
          {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "*Value*\\n81%"},
            {"type": "mrkdwn", "text": "*Condition*\\nbelow 0.85"},
            {"type": "mrkdwn", "text": "*Threshold*\\n85%"},
            {"type": "mrkdwn", "text": "*Source*\\nzendesk"},
            {"type": "mrkdwn", "text": "*Group*\\nBilling"},
            {"type": "mrkdwn", "text": "*Severity*\\ncritical"},
            {"type": "mrkdwn", "text": "*Since*\\n<!date^EPOCH^{date_short_pretty} {time}|2026-11-18T12:00:00Z>"}]},
          {"type": "section", "text": {"type": "mrkdwn",
            "text": "*Tickets*\\n• <https://acme.zendesk.com/agent/tickets/123|#123> Printer on fire (Billing, open 3h 12m, due in 45m)\\n• #124 (open 30m)"}},
          {"type": "context", "elements": [{"type": "mrkdwn",
            "text": "<http://cx-exporter:9184/#alerts|Status page> | <https://runbooks.example/cx#csatlow|Runbook>"}]}]}
        """
            .replace("EPOCH", Long.toString(START.getEpochSecond()));
    slack.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(expected)));
  }

  @Test
  void resolvedMessage() throws Exception {
    notifier().send(List.of(csatLow(false)));

    JsonNode body = sentBodies().get(0);
    assertThat(body.path("text").asText())
        .isEqualTo("[RESOLVED] CsatLow: CSAT is 81% (zendesk/Billing)");
    assertThat(body.path("blocks").get(0).path("text").path("text").asText())
        .startsWith(":white_check_mark: *[RESOLVED] CsatLow*");
    assertThat(body.path("blocks").get(1).path("fields").get(7).path("text").asText())
        .isEqualTo(
            "*Resolved*\n<!date^"
                + NotifyFixtures.NOW.getEpochSecond()
                + "^{date_short_pretty} {time}|2026-11-18T13:00:00Z>");
  }

  @Test
  void escapesMrkdwnControlCharacters() throws Exception {
    Alert a = csatLow(true);
    Map<String, String> ann = new java.util.HashMap<>(a.annotations());
    ann.put("summary", "a <b> & c");
    notifier()
        .send(
            List.of(
                new Alert(
                    a.labels(),
                    ann,
                    true,
                    a.startsAt(),
                    null,
                    a.value(),
                    a.condition(),
                    a.tickets(),
                    a.generatorUrl())));

    assertThat(sentBodies().get(0).path("blocks").get(0).path("text").path("text").asText())
        .startsWith(":red_circle: *[FIRING] CsatLow* - a &lt;b&gt; &amp; c");
  }

  @Test
  void largeBatchIsSplitWithinSlacksBlockLimit() throws Exception {
    List<Alert> alerts = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      alerts.add(NotifyFixtures.alert("Alert" + i, "warning", true));
    }
    notifier().send(alerts);

    List<JsonNode> bodies = sentBodies();
    assertThat(bodies).hasSize(3);
    assertThat(bodies).allSatisfy(b -> assertThat(b.path("blocks").size()).isLessThanOrEqualTo(50));
    assertThat(bodies.stream().map(b -> b.path("text").asText().split("\n").length))
        .containsExactlyInAnyOrder(10, 10, 3);
  }

  @Test
  void slackErrorIsNotRetryableAndNamesTheReasonButNotTheUrl() {
    slack.stubFor(post(PATH).willReturn(aResponse().withStatus(400).withBody("invalid_payload")));

    assertThatThrownBy(() -> notifier().send(List.of(csatLow(true))))
        .isInstanceOfSatisfying(
            DeliveryException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .isEqualTo("slack notifier \"chat\": HTTP 400 (invalid_payload)");
            });
  }

  List<JsonNode> sentBodies() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (var r : slack.findAll(postRequestedFor(urlEqualTo(PATH)))) {
      out.add(Payloads.JSON.readTree(r.getBodyAsString()));
    }
    return out;
  }
}
