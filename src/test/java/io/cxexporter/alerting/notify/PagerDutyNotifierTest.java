package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.alerting.Alert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PagerDuty Events API v2: trigger and resolve with one dedup key, details and links. */
class PagerDutyNotifierTest {
  static final String ENQUEUE = "/v2/enqueue";
  static final String KEY = "R0UTINGKEYpdSECRET0123456789abcd";
  static final String ACCEPTED =
      "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}";

  WireMockServer pd;

  @BeforeEach
  void start() {
    pd = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    pd.start();
    pd.stubFor(post(ENQUEUE).willReturn(aResponse().withStatus(202).withBody(ACCEPTED)));
  }

  @AfterEach
  void stop() {
    pd.stop();
  }

  Notifier notifier() {
    return NotifyFixtures.notifier(
        NotifyFixtures.clock(),
        Map.of(
            "name",
            "pager",
            "type",
            "pagerduty",
            "routing_key",
            KEY,
            "url",
            pd.baseUrl() + ENQUEUE));
  }

  @Test
  void triggerEvent() throws Exception {
    Alert a = csatLow(true);
    notifier().send(List.of(a));

    String expected =
        """
        {"routing_key": "KEY", "event_action": "trigger", "dedup_key": "cx-exporter/CsatLow/FP",
         "payload": {
           "summary": "CsatLow: CSAT is 81% (zendesk/Billing)",
           "source": "zendesk", "severity": "critical", "timestamp": "2026-11-18T12:00:00Z",
           "class": "CsatLow", "component": "csat", "group": "Billing",
           "custom_details": {
             "value": 0.81, "condition": "below 0.85",
             "labels": LABELS,
             "annotations": {"summary": "CSAT is 81%",
               "description": "CSAT over 7d for Billing is 81%, below the 85% target.",
               "value": "81%", "threshold": "85%",
               "runbook_url": "https://runbooks.example/cx#csatlow"},
             "tickets": TICKETS}},
         "links": [
           {"href": "https://acme.zendesk.com/agent/tickets/123", "text": "#123 Printer on fire"},
           {"href": "https://runbooks.example/cx#csatlow", "text": "Runbook"},
           {"href": "http://cx-exporter:9184/#alerts", "text": "cx-exporter status page"}],
         "client": "cx-exporter", "client_url": "http://cx-exporter:9184/#alerts"}
        """
            .replace("KEY", KEY)
            .replace("FP", a.fingerprint())
            .replace("LABELS", AlertmanagerNotifierTest.LABELS)
            .replace("TICKETS", WebhookNotifierTest.TICKETS);
    pd.verify(1, postRequestedFor(urlEqualTo(ENQUEUE)).withRequestBody(equalToJson(expected)));
  }

  @Test
  void resolveEventReusesTheDedupKey() throws Exception {
    notifier().send(List.of(csatLow(true)));
    notifier().send(List.of(csatLow(false)));

    String resolve =
        """
        {"routing_key": "KEY", "event_action": "resolve", "dedup_key": "cx-exporter/CsatLow/FP"}
        """
            .replace("KEY", KEY)
            .replace("FP", csatLow(true).fingerprint());
    pd.verify(1, postRequestedFor(urlEqualTo(ENQUEUE)).withRequestBody(equalToJson(resolve)));
    assertThat(PagerDutyNotifier.dedupKey(csatLow(true)))
        .isEqualTo(PagerDutyNotifier.dedupKey(csatLow(false)))
        .hasSizeLessThanOrEqualTo(255);
  }

  @Test
  void oneEventPerAlert() throws Exception {
    notifier().send(List.of(csatLow(true), NotifyFixtures.alert("BacklogHigh", "warning", true)));

    pd.verify(2, postRequestedFor(urlEqualTo(ENQUEUE)));
  }

  @Test
  void routingKeyFromFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("pd");
    Files.writeString(f, KEY + "\n");
    Notifier n =
        NotifyFixtures.notifier(
            NotifyFixtures.clock(),
            Map.of(
                "name",
                "pager",
                "type",
                "pagerduty",
                "routing_key_file",
                f.toString(),
                "url",
                pd.baseUrl() + ENQUEUE));
    n.send(List.of(csatLow(false)));

    pd.verify(
        postRequestedFor(urlEqualTo(ENQUEUE))
            .withRequestBody(equalToJson("{\"routing_key\": \"" + KEY + "\"}", false, true)));
  }

  @Test
  void invalidEventIsNotRetryableAndTheKeyIsBlankedOut() {
    pd.stubFor(
        post(ENQUEUE)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"status\":\"invalid event\",\"message\":\"Event object is invalid\","
                            + "\"errors\":[\"Unknown routing key "
                            + KEY
                            + "\"]}")));

    assertThatThrownBy(() -> notifier().send(List.of(csatLow(true))))
        .isInstanceOfSatisfying(
            DeliveryException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .startsWith("pagerduty notifier \"pager\": HTTP 400 (")
                  .contains("Unknown routing key <secret>")
                  .doesNotContain(KEY);
            });
  }

  @Test
  void throttledIsRetryableWithRetryAfter() {
    pd.stubFor(
        post(ENQUEUE).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));

    assertThatThrownBy(() -> notifier().send(List.of(csatLow(true))))
        .isInstanceOfSatisfying(
            DeliveryException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
              assertThat(e.getMessage()).isEqualTo("pagerduty notifier \"pager\": HTTP 429");
            });
  }

  @Test
  void defaultUrlIsPagerDutys() {
    Notifier n =
        NotifyFixtures.notifier(
            NotifyFixtures.clock(),
            Map.of("name", "pager", "type", "pagerduty", "routing_key", KEY));
    assertThat(((PagerDutyNotifier) n).url())
        .hasToString("https://events.pagerduty.com/v2/enqueue");
  }
}
