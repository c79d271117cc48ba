package io.cxexporter.alerting.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.cxexporter.alerting.notify.NotifyFixtures.alert;
import static io.cxexporter.alerting.notify.NotifyFixtures.count;
import static io.cxexporter.alerting.notify.NotifyFixtures.csatLow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.cxexporter.alerting.Alert;
import io.cxexporter.alerting.notify.NotifyFixtures.RecordingSleeper;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against one WireMock server standing in for Alertmanager, a webhook receiver,
 * Slack and PagerDuty: repeat interval, resolves, severity filter, retries, queue and metrics.
 */
class DispatcherTest {
  static final String AM = "/api/v2/alerts";
  static final String HOOK = "/hook?token=hookSECRET";
  static final String SLACK = "/services/T000/B000/slackSECRET";
  static final String PD = "/v2/enqueue";
  static final Duration REPEAT = Duration.ofHours(4);

  WireMockServer rx;
  MutableClock clock = NotifyFixtures.clock();
  PrometheusRegistry registry = new PrometheusRegistry();
  NotifyMetrics metrics = NotifyMetrics.register(registry);
  InMemorySentLog sentLog = new InMemorySentLog();
  RecordingSleeper sleeper = new RecordingSleeper();
  Dispatcher dispatcher;

  @BeforeEach
  void start() {
    rx = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    rx.start();
    rx.stubFor(post(AM).willReturn(aResponse().withStatus(200)));
    rx.stubFor(post(HOOK).willReturn(aResponse().withStatus(200)));
    rx.stubFor(post(SLACK).willReturn(aResponse().withStatus(200).withBody("ok")));
    rx.stubFor(post(PD).willReturn(aResponse().withStatus(202).withBody("{}")));
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    rx.stop();
  }

  List<Notifier> all() {
    Map<String, Object> pager = new LinkedHashMap<>();
    pager.put("name", "pager");
    pager.put("type", "pagerduty");
    pager.put("routing_key", PagerDutyNotifierTest.KEY);
    pager.put("url", rx.baseUrl() + PD);
    pager.put("severities", List.of("critical"));
    return NotifyFixtures.notifiers(
        clock,
        Map.of("name", "am", "type", "alertmanager", "url", rx.baseUrl()),
        Map.of("name", "hook", "type", "webhook", "url", rx.baseUrl() + HOOK),
        Map.of("name", "chat", "type", "slack", "webhook_url", rx.baseUrl() + SLACK),
        pager);
  }

  Notifier hook() {
    return NotifyFixtures.notifier(
        clock, Map.of("name", "hook", "type", "webhook", "url", rx.baseUrl() + HOOK));
  }

  Dispatcher dispatcher(List<Notifier> notifiers) {
    dispatcher = new Dispatcher(notifiers, sentLog, REPEAT, clock, metrics, sleeper);
    return dispatcher;
  }

  void evaluate(List<Alert> firing, List<Alert> resolved) throws InterruptedException {
    dispatcher.offer(firing, resolved);
    assertThat(dispatcher.awaitIdle(Duration.ofSeconds(10))).isTrue();
  }

  int requests(String url) {
    return rx.findAll(postRequestedFor(urlEqualTo(url))).size();
  }

  @Test
  void unchangedFiringAlertGoesOnceExceptToAlertmanager() throws Exception {
    dispatcher(all());
    Alert a = csatLow(true);
    dispatcher.offer(List.of(a), List.of());
    dispatcher.offer(List.of(a), List.of());
    dispatcher.offer(List.of(a), List.of());
    assertThat(dispatcher.awaitIdle(Duration.ofSeconds(10))).isTrue();

    assertThat(requests(AM)).isEqualTo(3);
    assertThat(requests(HOOK)).isEqualTo(1);
    assertThat(requests(SLACK)).isEqualTo(1);
    assertThat(requests(PD)).isEqualTo(1);
    assertThat(count(registry, "am", "sent")).isEqualTo(3);
    assertThat(count(registry, "pager", "sent")).isEqualTo(1);
    assertThat(sentLog.lastSent("pager", a.fingerprint())).contains(NotifyFixtures.NOW);
    assertThat(sentLog.lastSent("am", a.fingerprint())).isEmpty();
  }

  @Test
  void firingAlertIsSentAgainAfterTheRepeatInterval() throws Exception {
    dispatcher(all());
    Alert a = csatLow(true);
    evaluate(List.of(a), List.of());
    clock.advance(REPEAT.minusSeconds(1));
    evaluate(List.of(a), List.of());
    assertThat(requests(SLACK)).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    evaluate(List.of(a), List.of());

    assertThat(requests(HOOK)).isEqualTo(2);
    assertThat(requests(SLACK)).isEqualTo(2);
    assertThat(requests(PD)).isEqualTo(2);
    assertThat(requests(AM)).isEqualTo(3);
  }

  @Test
  void resolveGoesToEveryNotifierThatGotTheAlertFiring() throws Exception {
    dispatcher(all());
    Alert firing = csatLow(true);
    evaluate(List.of(firing), List.of());
    evaluate(List.of(), List.of(csatLow(false)));

    rx.verify(
        postRequestedFor(urlEqualTo(PD))
            .withRequestBody(
                equalToJson(
                    "{\"event_action\": \"resolve\", \"dedup_key\": \"cx-exporter/CsatLow/"
                        + firing.fingerprint()
                        + "\"}",
                    false,
                    true)));
    rx.verify(
        postRequestedFor(urlEqualTo(AM))
            .withRequestBody(matchingJsonPath("$[0].endsAt", equalTo("2026-11-18T13:00:00Z"))));
    rx.verify(
        postRequestedFor(urlEqualTo(HOOK))
            .withRequestBody(matchingJsonPath("$.status", equalTo("resolved")))
            .withRequestBody(matchingJsonPath("$.alerts[0].status", equalTo("resolved"))));
    assertThat(requests(SLACK)).isEqualTo(2);
    assertThat(sentLog.size()).isZero();
  }

  @Test
  void resolveOfAnAlertNeverSentGoesOnlyToAlertmanager() throws Exception {
    dispatcher(all());
    evaluate(List.of(), List.of(csatLow(false)));

    assertThat(requests(AM)).isEqualTo(1);
    assertThat(requests(HOOK)).isZero();
    assertThat(requests(SLACK)).isZero();
    assertThat(requests(PD)).isZero();
    assertThat(count(registry, "hook", "sent")).isZero();
  }

  @Test
  void severitiesFilterKeepsWarningsFromPagerDuty() throws Exception {
    dispatcher(all());
    evaluate(List.of(alert("BacklogHigh", "warning", true)), List.of());
    evaluate(List.of(), List.of(alert("BacklogHigh", "warning", false)));

    assertThat(requests(PD)).isZero();
    assertThat(requests(SLACK)).isEqualTo(2);
    assertThat(count(registry, "pager", "sent")).isZero();
    assertThat(count(registry, "pager", "dropped")).isZero();
  }

  @Test
  void serverErrorIsRetriedWithBackoffThenSucceeds() throws Exception {
    failFirst(HOOK, aResponse().withStatus(503));
    dispatcher(List.of(hook()));
    evaluate(List.of(csatLow(true)), List.of());

    assertThat(requests(HOOK)).isEqualTo(2);
    assertThat(sleeper.waits).hasSize(1);
    assertThat(sleeper.waits.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(count(registry, "hook", "sent")).isEqualTo(1);
    assertThat(count(registry, "hook", "failed")).isZero();
    assertThat(dispatcher.status().get(0).lastError()).isNull();
  }

  @Test
  void tooManyRequestsWaitsForRetryAfter() throws Exception {
    failFirst(HOOK, aResponse().withStatus(429).withHeader("Retry-After", "1"));
    dispatcher(List.of(hook()));
    evaluate(List.of(csatLow(true)), List.of());

    assertThat(requests(HOOK)).isEqualTo(2);
    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1));
    assertThat(count(registry, "hook", "sent")).isEqualTo(1);
  }

  @Test
  void clientErrorIsNotRetriedAndNotRecorded() throws Exception {
    rx.stubFor(post(HOOK).willReturn(aResponse().withStatus(400).withBody("bad")));
    dispatcher(List.of(hook()));
    Alert a = csatLow(true);
    evaluate(List.of(a), List.of());

    assertThat(requests(HOOK)).isEqualTo(1);
    assertThat(sleeper.waits).isEmpty();
    assertThat(count(registry, "hook", "failed")).isEqualTo(1);
    assertThat(sentLog.lastSent("hook", a.fingerprint())).isEmpty();
    assertThat(dispatcher.status().get(0).lastError())
        .isEqualTo("webhook notifier \"hook\": HTTP 400 (bad)");

    evaluate(List.of(a), List.of()); // never delivered, so tried again
    assertThat(requests(HOOK)).isEqualTo(2);
  }

  @Test
  void givesUpAfterFiveAttempts() throws Exception {
    rx.stubFor(post(HOOK).willReturn(aResponse().withStatus(502)));
    dispatcher(List.of(hook()));
    evaluate(List.of(csatLow(true), alert("BacklogHigh", "warning", true)), List.of());

    assertThat(requests(HOOK)).isEqualTo(5);
    assertThat(sleeper.waits).hasSize(4);
    assertThat(sleeper.waits.get(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(count(registry, "hook", "failed")).isEqualTo(2); // per alert
    assertThat(count(registry, "hook", "sent")).isZero();
  }

  @Test
  void countersStartAtZeroForEveryNotifier() {
    dispatcher(all());

    for (String n : List.of("am", "hook", "chat", "pager")) {
      for (String r : List.of("sent", "failed", "dropped")) {
        assertThat(count(registry, n, r)).as(n + " " + r).isZero();
      }
    }
    metrics.retainOnly(List.of("am"));
    assertThat(count(registry, "hook", "sent")).isNaN();
    assertThat(count(registry, "am", "sent")).isZero();
  }

  @Test
  void fullQueueDropsTheOldestBatch() throws Exception {
    BlockingNotifier n = new BlockingNotifier();
    dispatcher =
        new Dispatcher(
            List.of(n), sentLog, REPEAT, clock, metrics, sleeper, 2, Duration.ofSeconds(5));
    dispatcher.offer(List.of(alert("A1", "warning", true)), List.of());
    assertThat(n.entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (String name : List.of("A2", "A3", "A4")) {
      dispatcher.offer(List.of(alert(name, "warning", true)), List.of());
    }
    assertThat(dispatcher.status().get(0).queued()).isEqualTo(2);
    n.release.countDown();
    assertThat(dispatcher.awaitIdle(Duration.ofSeconds(5))).isTrue();

    assertThat(n.sentNames()).containsExactly("A1", "A3", "A4");
    assertThat(count(registry, "blocking", "dropped")).isEqualTo(1);
    assertThat(count(registry, "blocking", "sent")).isEqualTo(3);
  }

  @Test
  void closeFlushesWhatIsQueued() {
    dispatcher(List.of(hook()));
    dispatcher.offer(List.of(csatLow(true)), List.of());
    dispatcher.close();

    assertThat(requests(HOOK)).isEqualTo(1);
    dispatcher.offer(List.of(alert("Late", "warning", true)), List.of());
    assertThat(count(registry, "hook", "dropped")).isEqualTo(1);
  }

  @Test
  void closeGivesUpOnAStuckReceiver() {
    BlockingNotifier n = new BlockingNotifier();
    dispatcher =
        new Dispatcher(
            List.of(n), sentLog, REPEAT, clock, metrics, sleeper, 10, Duration.ofMillis(200));
    dispatcher.offer(List.of(alert("A1", "warning", true)), List.of());
    dispatcher.offer(List.of(alert("A2", "warning", true)), List.of());
    long t0 = System.nanoTime();
    dispatcher.close();

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(count(registry, "blocking", "failed")).isEqualTo(1);
    assertThat(count(registry, "blocking", "dropped")).isEqualTo(1);
  }

  @Test
  void closeCancelsARequestStillHangingAtTheDeadline() {
    rx.stubFor(post(HOOK).willReturn(aResponse().withStatus(200).withFixedDelay(45_000)));
    dispatcher(List.of(hook()));
    dispatcher.offer(List.of(csatLow(true)), List.of());
    await("the notification is in flight")
        .atMost(Duration.ofSeconds(10))
        .until(() -> requests(HOOK) == 1);
    long t0 = System.nanoTime();

    dispatcher.close(Duration.ofMillis(300));

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(io.cxexporter.util.HttpCalls.runningTo(rx.port()))
        .as("the hanging request was cancelled, not left running")
        .isZero();
  }

  @Test
  void rejectsTwoNotifiersOfOneName() {
    List<Notifier> twice = List.of(hook(), hook());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dispatcher(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("two notifiers named hook");
  }

  /** The first request to {@code url} gets {@code failure}, later ones 200. */
  void failFirst(String url, ResponseDefinitionBuilder failure) {
    rx.stubFor(
        post(url)
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(failure)
            .willSetStateTo("recovered"));
    rx.stubFor(
        post(url)
            .inScenario("flaky")
            .whenScenarioStateIs("recovered")
            .willReturn(aResponse().withStatus(200)));
  }

  /** A notifier that blocks in {@code send} until released (or interrupted). */
  static final class BlockingNotifier implements Notifier {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<List<Alert>> sent = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "blocking";
    }

    @Override
    public String type() {
      return "webhook";
    }

    @Override
    public Set<String> severities() {
      return Set.of();
    }

    @Override
    public boolean resendWhileFiring() {
      return true;
    }

    @Override
    public void send(List<Alert> alerts) throws DeliveryException {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException(true, "interrupted");
      }
      sent.add(alerts);
    }

    List<String> sentNames() {
      return sent.stream().flatMap(List::stream).map(Alert::name).toList();
    }
  }
}
