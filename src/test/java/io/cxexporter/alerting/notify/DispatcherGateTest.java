package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.alerting.notify.NotifyFixtures.count;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.alerting.Alert;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.util.Sleeper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Dispatcher#deliverOnlyWhile}: the HA gate. A replica that is not (or no longer) the leader
 * sends nothing, stops in the middle of a batch's retries, and leaves its delivery log untouched.
 */
class DispatcherGateTest {
  static final String HOOK = "/hook";

  WireMockServer rx;
  MutableClock clock = NotifyFixtures.clock();
  PrometheusRegistry registry = new PrometheusRegistry();
  NotifyMetrics metrics = NotifyMetrics.register(registry);
  InMemorySentLog sentLog = new InMemorySentLog();
  final AtomicBoolean leader = new AtomicBoolean(true);
  Dispatcher dispatcher;

  @BeforeEach
  void start() {
    rx = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    rx.start();
    rx.stubFor(post(HOOK).willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    rx.stop();
  }

  void dispatcher(Sleeper sleeper) {
    Notifier hook =
        NotifyFixtures.notifier(
            clock, Map.of("name", "hook", "type", "webhook", "url", rx.baseUrl() + HOOK));
    dispatcher =
        new Dispatcher(List.of(hook), sentLog, Duration.ofHours(4), clock, metrics, sleeper);
    dispatcher.deliverOnlyWhile(leader::get);
  }

  void evaluate(List<Alert> firing, List<Alert> resolved) throws InterruptedException {
    dispatcher.offer(firing, resolved);
    assertThat(dispatcher.awaitIdle(Duration.ofSeconds(10))).isTrue();
  }

  int requests() {
    return rx.findAll(postRequestedFor(urlEqualTo(HOOK))).size();
  }

  @Test
  void aFollowerSendsNothingAndForgetsNothing() throws Exception {
    dispatcher(d -> {});
    Alert firing = csatLow(true);
    evaluate(List.of(firing), List.of());
    assertThat(requests()).isEqualTo(1);
    assertThat(sentLog.lastSent("hook", firing.fingerprint())).isPresent();

    leader.set(false);
    evaluate(List.of(), List.of(csatLow(false)));
    assertThat(requests()).isEqualTo(1);
    // the resolve is still owed: whoever leads next sends it
    assertThat(sentLog.lastSent("hook", firing.fingerprint())).isPresent();
    assertThat(count(registry, "hook", "dropped")).isEqualTo(1);
    assertThat(count(registry, "hook", "failed")).isEqualTo(0);
  }

  @Test
  void losingTheLeaseStopsTheRetries() throws Exception {
    rx.stubFor(post(HOOK).willReturn(aResponse().withStatus(503)));
    dispatcher(d -> leader.set(false)); // the Lease is lost while waiting to retry
    Alert firing = csatLow(true);
    evaluate(List.of(firing), List.of());
    assertThat(requests()).isEqualTo(1); // not the 5 attempts of a leader
    assertThat(sentLog.size()).isZero();
    assertThat(count(registry, "hook", "dropped")).isEqualTo(1);
    assertThat(count(registry, "hook", "failed")).isEqualTo(0);
  }
}
