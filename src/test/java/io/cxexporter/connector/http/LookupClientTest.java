package io.cxexporter.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import java.time.Duration;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ApiClient#forLookups()}: one attempt, and a minute's rest for all after a timeout. */
class LookupClientTest {
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final RecordingRequests requests = new RecordingRequests();

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  ApiClient lookups(Duration timeout) {
    HttpSettings s = new HttpSettings(timeout, timeout, timeout, 4, Duration.ofSeconds(60));
    return ApiClient.builder(s, requests, clock).sleeper(d -> {}).build().forLookups();
  }

  HttpUrl url(String path) {
    return HttpUrl.get(vendor.baseUrl() + path);
  }

  @Test
  void aServerErrorIsNotRetried() {
    vendor.stubFor(get("/groups").willReturn(aResponse().withStatus(500)));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class,
            () -> lookups(Duration.ofSeconds(5)).get("groups", url("/groups")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.TRANSIENT);
    assertThat(requests.requests()).containsExactly("groups 500");
  }

  @Test
  void afterATimeoutEveryLookupRestsAMinuteThenIsAskedAgain() throws Exception {
    vendor.stubFor(get("/groups").willReturn(okJson("{}").withFixedDelay(3_000)));
    vendor.stubFor(get("/agents").willReturn(okJson("{\"agents\":[]}")));
    ApiClient api = lookups(Duration.ofMillis(300));

    ConnectorException hung =
        catchThrowableOfType(ConnectorException.class, () -> api.get("groups", url("/groups")));
    ConnectorException resting =
        catchThrowableOfType(ConnectorException.class, () -> api.get("agents", url("/agents")));

    assertThat(hung.kind()).isEqualTo(ConnectorException.Kind.TRANSIENT);
    assertThat(resting.getMessage())
        .isEqualTo(
            "agents: not asked, a lookup timed out or could not connect less than a minute ago");
    assertThat(requests.requests()).containsExactly("groups timeout");
    assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/agents")))).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    assertThat(api.get("agents", url("/agents")).body().has("agents")).isTrue();
  }
}
