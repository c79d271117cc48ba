package io.cxexporter.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.metrics.RequestMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cx_connector_clock_skew_seconds}: the vendor's {@code Date} header against our clock. */
class ClockSkewTest {
  static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

  WireMockServer vendor;
  final List<Double> skews = Collections.synchronizedList(new ArrayList<>());
  final RequestListener listener =
      new RequestListener() {
        @Override
        public void onRequest(String endpoint, String code, Duration latency) {}

        @Override
        public void onRateLimitRemaining(double remaining) {}

        @Override
        public void onClockSkew(double seconds) {
          skews.add(seconds);
        }
      };

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  ApiClient client(RequestListener l) {
    return ApiClient.builder(HttpSettings.DEFAULTS, l, NOW).sleeper(d -> {}).build();
  }

  HttpUrl url(String path) {
    return HttpUrl.get(vendor.baseUrl() + path);
  }

  @Test
  void aVendorADayAheadReadsPlus86400Seconds() throws Exception {
    vendor.stubFor(
        get("/t").willReturn(okJson("{}").withHeader("Date", "Wed, 02 Dec 2026 10:00:00 GMT")));

    client(listener).get("t", url("/t"));

    assertThat(skews).containsExactly(86_400.0);
  }

  @Test
  void aVendorBehindReadsNegative() throws Exception {
    vendor.stubFor(
        get("/t").willReturn(okJson("{}").withHeader("Date", "Tue, 01 Dec 2026 09:54:30 GMT")));

    client(listener).get("t", url("/t"));

    assertThat(skews).containsExactly(-330.0);
  }

  @Test
  void anErrorAnswerStillTellsTheVendorsTime() {
    vendor.stubFor(
        get("/t")
            .willReturn(
                aResponse().withStatus(404).withHeader("Date", "Tue, 01 Dec 2026 10:00:07 GMT")));

    assertThatThrownBy(() -> client(listener).get("t", url("/t")))
        .isInstanceOf(ConnectorException.class);

    assertThat(skews).containsExactly(7.0);
  }

  @Test
  void noDateHeaderOrAnUnreadableOneReportsNothing() throws Exception {
    vendor.stubFor(get("/none").willReturn(okJson("{}")));
    vendor.stubFor(get("/bad").willReturn(okJson("{}").withHeader("Date", "yesterday")));

    client(listener).get("none", url("/none"));
    client(listener).get("bad", url("/bad"));

    assertThat(skews).isEmpty();
  }

  @Test
  void theGaugeHoldsTheLastSkewPerSourceAndGoesWithItsSource() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter errors =
        Counter.builder().name("errors_total").labelNames("source", "stream", "kind").build();
    RequestMetrics metrics = RequestMetrics.register(registry, errors);
    vendor.stubFor(
        get("/t").willReturn(okJson("{}").withHeader("Date", "Tue, 01 Dec 2026 10:05:01 GMT")));

    client(metrics.forSource("zendesk")).get("t", url("/t"));

    assertThat(skew(registry)).containsExactly("zendesk=301.0");
    metrics.forget("zendesk");
    assertThat(skew(registry)).isEmpty();
  }

  static List<String> skew(PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("cx_connector_clock_skew_seconds"))
        .flatMap(m -> ((GaugeSnapshot) m).getDataPoints().stream())
        .map(d -> d.getLabels().get("source") + "=" + d.getValue())
        .toList();
  }
}
