package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.testing.Http;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole exporters (the demo, the same rule, one webhook) with {@code alerting.ha} against
 * fabric8's CRUD mock API, reached the way a pod does without a service account: the client's own
 * auto-configuration ({@code kubernetes.master}). One of them notifies, both serve {@code
 * cx_alerts} and their {@code cx_alerting_leader}; stopping the leader hands over without a second
 * delivery.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AlertingHaIT {
  static final Map<String, String> PROPERTIES =
      Map.of(
          "kubernetes.auth.tryKubeConfig", "false",
          "kubernetes.auth.tryServiceAccount", "false");

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;
  WireMockServer receiver;
  TestApps.Running a;
  TestApps.Running b;

  @BeforeEach
  void start() {
    receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    receiver.start();
    receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
    PROPERTIES.forEach(System::setProperty);
    System.setProperty("kubernetes.master", server.url("/"));
  }

  @AfterEach
  void stop() {
    for (TestApps.Running r : new TestApps.Running[] {a, b}) {
      if (r != null) {
        r.close();
      }
    }
    receiver.stop();
    PROPERTIES.keySet().forEach(System::clearProperty);
    System.clearProperty("kubernetes.master");
  }

  String yaml(String identity) {
    String demo = ConfigLoader.builtInDemoText();
    return demo.substring(demo.indexOf("kpi:"))
        + "alerting:\n"
        + "  evaluation_interval: 1s\n"
        + "  rules:\n"
        + "    - {alert: BacklogHigh, expr: {kpi: tickets_open}, above: 1}\n"
        + "  notifiers:\n"
        + "    - {name: hook, type: webhook, url: \""
        + receiver.baseUrl()
        + "/hook\"}\n"
        + "  ha:\n"
        + "    kubernetes_lease: {name: cx-alerts, namespace: monitoring, identity: "
        + identity
        + ", lease_duration: 2s, renew_deadline: 1500ms, retry_period: 250ms}\n";
  }

  static double metric(TestApps.Running app, String series) {
    return Http.get(app.port(), "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  static final String LEADER = "cx_alerting_leader{lease=\"cx-alerts\"}";
  static final String FIRING = "cx_alerts{alertname=\"BacklogHigh\",state=\"firing\"}";

  int deliveries() {
    return receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).size();
  }

  @Test
  void oneExporterNotifiesBothServeTheAlertAndTheOtherTakesOver() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    a = TestApps.start(dir.resolve("a"), yaml("cx-0"));
    b = TestApps.start(dir.resolve("b"), yaml("cx-1"));
    await("both firing, one leader")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                metric(a, FIRING) == 1
                    && metric(b, FIRING) == 1
                    && metric(a, LEADER) + metric(b, LEADER) == 1);
    await("delivered").atMost(Duration.ofSeconds(10)).until(() -> deliveries() == 1);
    await("by one only")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveries() == 1);

    TestApps.Running leader = metric(a, LEADER) == 1 ? a : b;
    TestApps.Running follower = leader == a ? b : a;
    assertThat(metric(follower, "cx_alerting_leader_changes_total{lease=\"cx-alerts\"}")).isZero();
    leader.close();
    if (leader == a) {
      a = null;
    } else {
      b = null;
    }
    await("the other takes over")
        .atMost(Duration.ofSeconds(5))
        .until(() -> metric(follower, LEADER) == 1);
    await("and sends nothing again")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveries() == 1);
    assertThat(metric(follower, "cx_alerting_leader_changes_total{lease=\"cx-alerts\"}"))
        .isEqualTo(1);
    assertThat(
            client.leases().inNamespace("monitoring").list().getItems().stream()
                .map(l -> l.getMetadata().getName())
                .toList())
        .containsExactlyInAnyOrderElementsOf(List.of("cx-alerts", "cx-alerts-log"));
  }
}
