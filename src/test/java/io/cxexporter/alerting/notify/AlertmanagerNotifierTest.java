package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.alerting.notify.NotifyFixtures.TICKETS_TEXT;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alertmanager's v2 API: the exact body of firing and resolved alerts, and error mapping. */
class AlertmanagerNotifierTest {
  static final String ALERTS = "/api/v2/alerts";
  static final String ANNOTATIONS =
      """
      {"summary": "CSAT is 81%",
       "description": "CSAT over 7d for Billing is 81%, below the 85% target.",
       "value": "81%", "threshold": "85%",
       "runbook_url": "https://runbooks.example/cx#csatlow",
       "tickets": TICKETS}
      """;
  static final String LABELS =
      """
      {"alertname": "CsatLow", "severity": "critical", "source": "zendesk", "group": "Billing",
       "kpi": "csat", "window": "7d"}
      """;

  WireMockServer am;

  @BeforeEach
  void start() {
    am = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    am.start();
    am.stubFor(post(ALERTS).willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    am.stop();
  }

  Notifier notifier(String url) {
    return NotifyFixtures.notifier(
        NotifyFixtures.clock(), Map.of("name", "am", "type", "alertmanager", "url", url));
  }

  static String annotations() {
    return ANNOTATIONS.replace("TICKETS", quote(TICKETS_TEXT));
  }

  static String quote(String s) {
    return "\"" + s.replace("\n", "\\n") + "\"";
  }

  @Test
  void postsFiringAlertWithoutEndsAt() throws Exception {
    notifier(am.baseUrl()).send(List.of(csatLow(true)));

    String expected =
        """
        [{"labels": LABELS, "annotations": ANNOTATIONS,
          "startsAt": "2026-11-18T12:00:00Z",
          "generatorURL": "http://cx-exporter:9184/#alerts"}]
        """
            .replace("LABELS", LABELS)
            .replace("ANNOTATIONS", annotations());
    am.verify(
        1,
        postRequestedFor(urlEqualTo(ALERTS))
            .withHeader("Content-Type", containing("application/json"))
            .withRequestBody(equalToJson(expected)));
  }

  @Test
  void postsResolvedAlertWithEndsAt() throws Exception {
    notifier(am.baseUrl()).send(List.of(csatLow(false)));

    String expected =
        """
        [{"labels": LABELS, "annotations": ANNOTATIONS,
          "startsAt": "2026-11-18T12:00:00Z", "endsAt": "2026-11-18T13:00:00Z",
          "generatorURL": "http://cx-exporter:9184/#alerts"}]
        """
            .replace("LABELS", LABELS)
            .replace("ANNOTATIONS", annotations());
    am.verify(1, postRequestedFor(urlEqualTo(ALERTS)).withRequestBody(equalToJson(expected)));
  }

  @Test
  void keepsPathPrefixAndAcceptsFullApiUrl() throws Exception {
    am.stubFor(post("/am/api/v2/alerts").willReturn(aResponse().withStatus(200)));
    notifier(am.baseUrl() + "/am/").send(List.of(csatLow(true)));
    notifier(am.baseUrl() + "/am/api/v2/alerts").send(List.of(csatLow(true)));

    am.verify(2, postRequestedFor(urlEqualTo("/am/api/v2/alerts")));
  }

  @Test
  void rejectedBodyIsNotRetryableAndNamesTheReason() {
    am.stubFor(
        post(ALERTS)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody("{\"code\":602,\"message\":\"0.labels in body is required\"}")));

    assertThatThrownBy(() -> notifier(am.baseUrl()).send(List.of(csatLow(true))))
        .isInstanceOfSatisfying(
            DeliveryException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage())
                  .isEqualTo(
                      "alertmanager notifier \"am\": HTTP 400 ({\"code\":602,\"message\":\"0.labels"
                          + " in body is required\"})");
            });
  }

  @Test
  void resendsWhileFiring() {
    assertThat(notifier(am.baseUrl()).resendWhileFiring()).isTrue();
  }
}
