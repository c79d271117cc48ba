package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.config.Problems;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook URLs and routing keys stay out of messages, {@code toString()} and metrics. */
class SecretsTest {
  static final String HOOK_TOKEN = "hookTOKEN1234567";
  static final String SLACK_TOKEN = "slackTOKEN123456";

  WireMockServer rx;

  @BeforeEach
  void start() {
    rx = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    rx.start();
  }

  @AfterEach
  void stop() {
    rx.stop();
  }

  List<Notifier> notifiers(String base, OkHttpClient client) {
    Problems p = new Problems();
    List<Notifier> n =
        NotifyFixtures.read(
            p,
            NotifyFixtures.clock(),
            client,
            List.of(
                Map.of("name", "hook", "type", "webhook", "url", base + "/cx?token=" + HOOK_TOKEN),
                Map.of(
                    "name",
                    "chat",
                    "type",
                    "slack",
                    "webhook_url",
                    base + "/services/T0/B0/" + SLACK_TOKEN),
                Map.of(
                    "name",
                    "pager",
                    "type",
                    "pagerduty",
                    "routing_key",
                    PagerDutyNotifierTest.KEY,
                    "url",
                    base + "/v2/enqueue")));
    assertThat(p.messages()).isEmpty();
    return n;
  }

  static void assertNoSecret(String text) {
    assertThat(text)
        .doesNotContain(HOOK_TOKEN)
        .doesNotContain(SLACK_TOKEN)
        .doesNotContain(PagerDutyNotifierTest.KEY)
        .doesNotContain("/services/");
  }

  static DeliveryException failure(Notifier n) {
    return catchThrowableOfType(DeliveryException.class, () -> n.send(List.of(csatLow(true))));
  }

  @Test
  void toStringShowsNoSecret() {
    for (Notifier n : notifiers(rx.baseUrl(), JsonPoster.SHARED)) {
      assertNoSecret(n.toString());
      assertThat(n.toString()).contains(n.name());
    }
  }

  @Test
  void errorBodyEchoingTheSecretIsBlankedOut() {
    rx.stubFor(
        post(urlPathEqualTo("/cx"))
            .willReturn(
                aResponse().withStatus(500).withBody("no route for /cx?token=" + HOOK_TOKEN)));
    rx.stubFor(
        post(urlPathEqualTo("/services/T0/B0/" + SLACK_TOKEN))
            .willReturn(
                aResponse().withStatus(404).withBody("no_service " + SLACK_TOKEN + " revoked")));
    rx.stubFor(
        post("/v2/enqueue")
            .willReturn(aResponse().withStatus(400).withBody(PagerDutyNotifierTest.KEY)));

    List<Notifier> n = notifiers(rx.baseUrl(), JsonPoster.SHARED);
    DeliveryException hook = failure(n.get(0));
    DeliveryException slack = failure(n.get(1));
    DeliveryException pager = failure(n.get(2));

    assertThat(hook.getMessage())
        .isEqualTo("webhook notifier \"hook\": HTTP 500 (no route for /cx?token=<secret>)");
    assertThat(hook.retryable()).isTrue();
    assertThat(slack.getMessage())
        .isEqualTo("slack notifier \"chat\": HTTP 404 (no_service <secret> revoked)");
    assertThat(pager.getMessage()).isEqualTo("pagerduty notifier \"pager\": HTTP 400 (<secret>)");
  }

  @Test
  void connectionErrorsNameNoUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    for (Notifier n : notifiers("http://127.0.0.1:" + port, JsonPoster.SHARED)) {
      DeliveryException e = failure(n);
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).endsWith(": connection failed (ConnectException)");
      assertThat(e.getCause()).isNull();
      assertNoSecret(e.getMessage());
    }
  }

  @Test
  void timeoutIsRetryableAndNamesNoUrl() {
    rx.stubFor(
        post(urlPathEqualTo("/cx")).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
    OkHttpClient fast = JsonPoster.SHARED.newBuilder().callTimeout(Duration.ofMillis(200)).build();

    DeliveryException e = failure(notifiers(rx.baseUrl(), fast).get(0));

    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).isEqualTo("webhook notifier \"hook\": timed out");
  }

  @Test
  void metricsAndStatusNameOnlyTheNotifier() throws Exception {
    rx.stubFor(post(urlPathEqualTo("/cx")).willReturn(aResponse().withStatus(400)));
    PrometheusRegistry registry = new PrometheusRegistry();
    NotifyFixtures.RecordingSleeper sleeper = new NotifyFixtures.RecordingSleeper();
    try (Dispatcher d =
        new Dispatcher(
            notifiers(rx.baseUrl(), JsonPoster.SHARED),
            new InMemorySentLog(),
            Duration.ofHours(4),
            NotifyFixtures.clock(),
            NotifyMetrics.register(registry),
            sleeper)) {
      d.offer(List.of(csatLow(true)), List.of());
      assertThat(d.awaitIdle(Duration.ofSeconds(10))).isTrue();
      assertNoSecret(d.status().toString());
      assertNoSecret(registry.scrape().toString());
      assertNoSecret(
          registry.scrape().stream()
              .flatMap(s -> s.getDataPoints().stream())
              .map(p -> p.getLabels().toString())
              .toList()
              .toString());
    }
  }
}
