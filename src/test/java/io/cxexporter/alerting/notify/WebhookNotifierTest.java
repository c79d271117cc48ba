package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.alerting.notify.NotifyFixtures.alert;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.alerting.Alert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook notifier sends Alertmanager's webhook payload (version 4) plus ticket objects. */
class WebhookNotifierTest {
  static final String PATH = "/cx?token=hookSECRET";
  static final String TICKETS =
      """
      [{"id": "123", "subject": "Printer on fire", "group": "Billing", "age": "3h 12m",
        "ageSeconds": 11520, "dueAt": "2026-11-18T13:45:00Z",
        "url": "https://acme.zendesk.com/agent/tickets/123"},
       {"id": "124", "age": "30m", "ageSeconds": 1800}]
      """;

  WireMockServer hook;

  @BeforeEach
  void start() {
    hook = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    hook.start();
    hook.stubFor(post(urlPathEqualTo("/cx")).willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    hook.stop();
  }

  Notifier notifier() {
    return NotifyFixtures.notifier(
        NotifyFixtures.clock(),
        Map.of("name", "hook", "type", "webhook", "url", hook.baseUrl() + PATH));
  }

  static String alertJson(Alert a, String status, String endsAt) {
    return """
        {"status": "STATUS", "labels": LABELS, "annotations": ANNOTATIONS,
         "startsAt": "2026-11-18T12:00:00Z", "endsAt": "ENDS",
         "generatorURL": "http://cx-exporter:9184/#alerts", "fingerprint": "FP",
         "tickets": TICKETS}
        """
        .replace("STATUS", status)
        .replace("ENDS", endsAt)
        .replace("FP", a.fingerprint())
        .replace("TICKETS", TICKETS)
        .replace("LABELS", labels(a))
        .replace("ANNOTATIONS", AlertmanagerNotifierTest.annotations());
  }

  static String labels(Alert a) {
    return AlertmanagerNotifierTest.LABELS
        .replace("CsatLow", a.name())
        .replace("critical", a.severity());
  }

  @Test
  void firingAlertInAlertmanagerShape() throws Exception {
    Alert a = csatLow(true);
    notifier().send(List.of(a));

    String expected =
        """
        {"receiver": "hook", "status": "firing", "alerts": [ALERT],
         "groupLabels": {}, "commonLabels": LABELS, "commonAnnotations": ANNOTATIONS,
         "externalURL": "", "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0}
        """
            .replace("ALERT", alertJson(a, "firing", "0001-01-01T00:00:00Z"))
            .replace("LABELS", labels(a))
            .replace("ANNOTATIONS", AlertmanagerNotifierTest.annotations());
    hook.verify(
        1,
        postRequestedFor(urlEqualTo(PATH))
            .withHeader("Content-Type", containing("application/json"))
            .withRequestBody(equalToJson(expected)));
  }

  @Test
  void resolvedBatchHasStatusResolvedAndEndsAt() throws Exception {
    Alert a = csatLow(false);
    notifier().send(List.of(a));

    String expected =
        """
        {"receiver": "hook", "status": "resolved", "alerts": [ALERT],
         "groupLabels": {}, "commonLabels": LABELS, "commonAnnotations": ANNOTATIONS,
         "externalURL": "", "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0}
        """
            .replace("ALERT", alertJson(a, "resolved", "2026-11-18T13:00:00Z"))
            .replace("LABELS", labels(a))
            .replace("ANNOTATIONS", AlertmanagerNotifierTest.annotations());
    hook.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(expected)));
  }

  @Test
  void mixedBatchIsFiringWithCommonLabelsOnly() throws Exception {
    Alert firing = alert("BacklogHigh", "warning", true);
    Alert resolved = csatLow(false);
    notifier().send(List.of(firing, resolved));

    String expected =
        """
        {"receiver": "hook", "status": "firing", "alerts": [FIRING, RESOLVED],
         "groupLabels": {},
         "commonLabels": {"source": "zendesk", "group": "Billing", "kpi": "csat", "window": "7d"},
         "commonAnnotations": ANNOTATIONS,
         "externalURL": "", "version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0}
        """
            .replace("FIRING", alertJson(firing, "firing", "0001-01-01T00:00:00Z"))
            .replace("RESOLVED", alertJson(resolved, "resolved", "2026-11-18T13:00:00Z"))
            .replace("ANNOTATIONS", AlertmanagerNotifierTest.annotations());
    hook.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(expected)));
  }

  @Test
  void urlFromFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("hook");
    Files.writeString(f, hook.baseUrl() + PATH + "\n");
    Notifier n =
        NotifyFixtures.notifier(
            NotifyFixtures.clock(),
            Map.of("name", "hook", "type", "webhook", "url_file", f.toString()));
    n.send(List.of(csatLow(true)));

    hook.verify(1, postRequestedFor(urlEqualTo(PATH)));
    assertThat(n.resendWhileFiring()).isFalse();
  }
}
