package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.alerting.RuleEvaluator;
import io.cxexporter.alerting.SlaReminders;
import io.cxexporter.alerting.ha.DeliveryRecord;
import io.cxexporter.alerting.ha.LeaseConfig;
import io.cxexporter.alerting.notify.Notifiers;
import io.cxexporter.alerting.notify.NotifyMetrics;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.store.AlertLog;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Configs;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HA alerting against fabric8's mock Kubernetes API in CRUD mode (Leases stored, {@code
 * resourceVersion} conflicts answered 409): two replicas with their own state files evaluate the
 * same rules every second, with short Lease timings (2 s lease, 1.5 s renew deadline, 250 ms
 * retry), and post to one WireMock receiver under a path per replica, so every delivery says who
 * sent it. One sends; stopping it (cleanly, or by a crash that does not release the Lease) hands
 * over within the measured bound, and nothing is delivered twice across the hand-over.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AlertAgentHaTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "monitoring";
  static final Duration LEASE = Duration.ofSeconds(2);
  static final Duration RETRY = Duration.ofMillis(250);
  static final Duration RELEASED = Duration.ofSeconds(1);

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;
  WireMockServer receiver;
  volatile double backlog;
  final Clock clock = Clock.systemUTC();
  final Map<String, Replica> replicas = new LinkedHashMap<>();

  /** One replica: its own state file, registry and Kubernetes client. */
  final class Replica {
    final String id;
    final Store store;
    final PrometheusRegistry registry = new PrometheusRegistry();
    final AlertAgent agent;
    KubernetesClient kubernetes;
    boolean stopped;

    Replica(String id, Function<LeaseConfig, KubernetesClient> k8s) {
      this.id = id;
      AlertingConfig config = config(id);
      store = Store.open(dir.resolve(id), clock);
      AlertLog log = new AlertLog(store);
      RuleEvaluator evaluator = evaluator(config, log);
      SlaReminders reminders = new SlaReminders(config, List::of, clock, "http://cx:9184/");
      agent =
          AlertAgent.create(
              config,
              evaluator,
              reminders,
              log,
              registry,
              NotifyMetrics.register(registry),
              clock,
              0,
              1,
              lc -> {
                kubernetes = k8s.apply(lc);
                return kubernetes;
              });
      agent.start();
    }

    boolean leads() {
      return agent.ha().isLeader();
    }

    /** A clean stop: flush, write the log, release the Lease. */
    void stop() {
      if (!stopped) {
        stopped = true;
        agent.close();
        store.close();
      }
    }

    /** A crash: the API is gone before anything can be written or released. */
    void crash() {
      stopped = true;
      kubernetes.close();
      agent.close();
      store.close();
    }
  }

  AlertingConfig config(String id) {
    String yaml =
        """
        alerting:
          evaluation_interval: 1s
          repeat_interval: 4h
          rules:
            - alert: BacklogHigh
              expr: {kpi: tickets_open}
              above: 10
            - alert: BacklogHuge
              expr: {kpi: tickets_open}
              above: 100
          notifiers:
            - {name: hook, type: webhook, url: "%s/hook/%s"}
          ha:
            kubernetes_lease:
              name: cx-alerts
              namespace: %s
              identity: %s
              lease_duration: 2s
              renew_deadline: 1500ms
              retry_period: 250ms
        """
            .formatted(receiver.baseUrl(), id, NS, id);
    Problems p = new Problems();
    Settings root = Settings.root(Configs.yaml(yaml), p, k -> null, Path.of("."));
    AlertingConfig c = AlertingConfig.read(root.object("alerting"), List.of(), Set.of("1h"));
    Notifiers.read(c.notifiers(), clock); // reads the notifier blocks, as the config loader does
    root.finish();
    assertThat(p.messages()).isEmpty();
    return c;
  }

  @BeforeEach
  void start() {
    receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    receiver.start();
    receiver.stubFor(post(urlPathMatching("/hook/.*")).willReturn(aResponse().withStatus(200)));
  }

  @AfterEach
  void stop() {
    replicas.values().forEach(Replica::stop);
    receiver.stop();
  }

  Replica replica(String id) {
    Replica r = new Replica(id, lc -> server.createClient());
    replicas.put(id, r);
    return r;
  }

  /** Every alert delivered, as {@code replica alertname status}, in arrival order. */
  List<String> deliveries() throws Exception {
    List<String> out = new ArrayList<>();
    List<LoggedRequest> requests =
        new ArrayList<>(receiver.findAll(postRequestedFor(urlPathMatching("/hook/.*"))));
    requests.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
    for (LoggedRequest r : requests) {
      String who = r.getUrl().substring("/hook/".length());
      for (JsonNode a : JSON.readTree(r.getBodyAsString()).get("alerts")) {
        out.add(
            who + " " + a.get("labels").get("alertname").asText() + " " + a.get("status").asText());
      }
    }
    return out;
  }

  /** The alerts delivered, without who sent them: each must appear once. */
  List<String> deliveredAlerts() throws Exception {
    return deliveries().stream().map(d -> d.substring(d.indexOf(' ') + 1)).toList();
  }

  Replica awaitLeader(Replica... among) {
    await("one leader")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> List.of(among).stream().filter(Replica::leads).count() == 1);
    return List.of(among).stream().filter(Replica::leads).findFirst().orElseThrow();
  }

  DeliveryRecord deliveryLog() {
    Lease l = client.leases().inNamespace(NS).withName("cx-alerts-log").get();
    return DeliveryRecord.decode(
        l.getMetadata().getAnnotations().get("cx-exporter.io/delivery-log"));
  }

  static double value(PrometheusRegistry registry, String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (!s.getMetadata().getName().equals(name)) {
        continue;
      }
      if (s instanceof GaugeSnapshot g) {
        return g.getDataPoints().get(0).getValue();
      }
      if (s instanceof CounterSnapshot c) {
        return c.getDataPoints().get(0).getValue();
      }
    }
    return Double.NaN;
  }

  @Test
  void oneReplicaSendsWhileBothEvaluate() throws Exception {
    backlog = 50;
    Replica a = replica("cx-0");
    Replica b = replica("cx-1");
    Replica leader = awaitLeader(a, b);
    Replica follower = leader == a ? b : a;
    await("the firing alert delivered")
        .atMost(Duration.ofSeconds(5))
        .until(() -> !deliveries().isEmpty());
    await("three more evaluations of both")
        .during(Duration.ofMillis(3200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveries().size() == 1);
    assertThat(deliveries()).containsExactly(leader.id + " BacklogHigh firing");
    // both evaluate: cx_alerts is the same on both
    for (Replica r : List.of(a, b)) {
      assertThat(r.agent.active()).extracting(x -> x.name()).containsExactly("BacklogHigh");
    }
    assertThat(value(leader.registry, "cx_alerting_leader")).isEqualTo(1);
    assertThat(value(follower.registry, "cx_alerting_leader")).isEqualTo(0);
    assertThat(value(leader.registry, "cx_alerting_leader_changes")).isEqualTo(1);
    assertThat(value(follower.registry, "cx_alerting_leader_changes")).isEqualTo(0);
    Lease lease = client.leases().inNamespace(NS).withName("cx-alerts").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.id);
    DeliveryRecord log = deliveryLog();
    assertThat(log.owner()).isEqualTo(leader.id);
    assertThat(log.sent())
        .singleElement()
        .satisfies(s -> assertThat(s.notifier()).isEqualTo("hook"));
  }

  /**
   * Two replicas, one alert firing: the leader and the follower, once the leader delivered the
   * alert and logged it.
   */
  Replica[] leaderWithAlertDelivered() throws Exception {
    backlog = 50;
    Replica a = replica("cx-0");
    Replica b = replica("cx-1");
    Replica old = awaitLeader(a, b);
    await("the firing alert delivered and logged")
        .atMost(Duration.ofSeconds(5))
        .until(() -> !deliveries().isEmpty() && deliveryLog().sent().size() == 1);
    return new Replica[] {old, old == a ? b : a};
  }

  @Test
  void aCleanStopHandsOverAtTheNextRetryAndNothingIsSentTwice() throws Exception {
    Replica[] pair = leaderWithAlertDelivered();
    Replica old = pair[0];
    Replica next = pair[1];

    long t0 = System.nanoTime();
    old.stop();
    // fabric8 releases by renewing for 1 s (its JSON merge patch cannot clear the holder)
    assertThat(client.leases().inNamespace(NS).withName("cx-alerts").get().getSpec())
        .satisfies(s -> assertThat(s.getLeaseDurationSeconds()).isEqualTo(1));
    await("the follower takes over")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(next::leads);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.println("measured: hand-over after a clean stop took " + took.toMillis() + " ms");
    // taken at the first try after that second: retry_period with fabric8's jitter (up to 2.2x),
    // sooner than the crash's lease_duration
    assertThat(took)
        .isLessThan(RELEASED.plus(RETRY.multipliedBy(22).dividedBy(10)).plusMillis(750));

    await("two evaluations as leader")
        .during(Duration.ofMillis(2200))
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 1);
    backlog = 150; // a new alert after the hand-over
    await("the new alert delivered by the new leader")
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveries().contains(next.id + " BacklogHuge firing"));
    backlog = 0; // both resolve: one was sent firing by the old leader
    await("both resolves delivered")
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveries().size() == 4);
    await("nothing more")
        .during(Duration.ofMillis(2200))
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 4);
    assertThat(deliveries())
        .containsExactly(
            old.id + " BacklogHigh firing",
            next.id + " BacklogHuge firing",
            next.id + " BacklogHigh resolved",
            next.id + " BacklogHuge resolved");
    await("the delivery log emptied by the resolves")
        .atMost(Duration.ofSeconds(3))
        .until(() -> deliveryLog().sent().isEmpty());
    assertThat(deliveryLog().owner()).isEqualTo(next.id);
    assertThat(value(next.registry, "cx_alerting_leader_changes")).isEqualTo(1);
  }

  @Test
  void aCrashedLeaderIsReplacedAfterTheLeaseDurationAndItsAlertResolvedOnce() throws Exception {
    Replica[] pair = leaderWithAlertDelivered();
    Replica old = pair[0];
    Replica next = pair[1];

    long t0 = System.nanoTime();
    old.crash();
    assertThat(client.leases().inNamespace(NS).withName("cx-alerts").get().getSpec())
        .satisfies(s -> assertThat(s.getHolderIdentity()).isEqualTo(old.id)); // not released
    backlog = 0; // resolves while nobody leads: the follower sees it
    await("the follower takes over once the Lease expires")
        .atMost(Duration.ofSeconds(6))
        .pollInterval(Duration.ofMillis(10))
        .until(next::leads);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.println("measured: take-over after a crash took " + took.toMillis() + " ms");
    // the last renewal was at most one retry period before the crash; the next try after expiry
    // comes within retry_period x 2.2
    assertThat(took)
        .isGreaterThan(LEASE.minus(RETRY).minusMillis(100))
        .isLessThan(LEASE.plus(RETRY.multipliedBy(22).dividedBy(10)).plusMillis(750));

    await("the resolve sent by the new leader")
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 2);
    await("nothing more")
        .during(Duration.ofMillis(2200))
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 2);
    assertThat(deliveries())
        .containsExactly(old.id + " BacklogHigh firing", next.id + " BacklogHigh resolved");

    backlog = 50; // fires again: a new episode, delivered once by the new leader
    await("the new firing delivered")
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 3);
    await("nothing more")
        .during(Duration.ofMillis(2200))
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 3);
    assertThat(deliveries().get(2)).isEqualTo(next.id + " BacklogHigh firing");
  }

  @Test
  void aCrashAfterTheHandOverIsCoveredByTheLogOfEachLeader() throws Exception {
    backlog = 50;
    Replica a = replica("cx-0");
    Replica b = replica("cx-1");
    Replica first = awaitLeader(a, b);
    Replica second = first == a ? b : a;
    await("delivered and logged")
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveryLog().sent().size() == 1);
    first.stop();
    await("second leads").atMost(Duration.ofSeconds(5)).until(second::leads);
    Replica third = replica("cx-2"); // a new pod (its state file empty) while the second leads
    backlog = 150;
    await("the second alert logged by the second leader")
        .atMost(Duration.ofSeconds(5))
        .until(() -> deliveryLog().sent().size() == 2 && deliveryLog().owner().equals(second.id));
    second.crash();
    await("the new pod takes over").atMost(Duration.ofSeconds(6)).until(third::leads);
    await("nothing sent twice")
        .during(Duration.ofMillis(2200))
        .atMost(Duration.ofSeconds(4))
        .until(() -> deliveries().size() == 2);
    assertThat(deliveredAlerts()).containsExactly("BacklogHigh firing", "BacklogHuge firing");
    assertThat(new HashSet<>(deliveries()))
        .containsExactlyInAnyOrder(
            first.id + " BacklogHigh firing", second.id + " BacklogHuge firing");
  }

  @Test
  void withoutHaNoKubernetesClientAndNoExtraThread() throws Exception {
    Set<String> before = threadNames();
    String yaml =
        """
        alerting:
          rules:
            - alert: BacklogHigh
              expr: {kpi: tickets_open}
              above: 10
          notifiers:
            - {name: hook, type: webhook, url: "%s/hook/solo"}
        """
            .formatted(receiver.baseUrl());
    Problems p = new Problems();
    Settings root = Settings.root(Configs.yaml(yaml), p, k -> null, Path.of("."));
    AlertingConfig config = AlertingConfig.read(root.object("alerting"), List.of(), Set.of("1h"));
    Notifiers.read(config.notifiers(), clock);
    root.finish();
    assertThat(p.messages()).isEmpty();
    assertThat(config.ha()).isEmpty();
    backlog = 50;
    Store store = Store.open(dir.resolve("solo"), clock);
    AlertLog log = new AlertLog(store);
    PrometheusRegistry registry = new PrometheusRegistry();
    AlertAgent agent =
        AlertAgent.create(
            config,
            evaluator(config, log),
            new SlaReminders(config, List::of, clock, "http://cx:9184/"),
            log,
            registry,
            NotifyMetrics.register(registry),
            clock,
            0,
            1,
            lc -> {
              throw new AssertionError("no Kubernetes client without alerting.ha");
            });
    try {
      agent.start();
      await("sent alone")
          .atMost(Duration.ofSeconds(5))
          .until(() -> receiver.findAll(postRequestedFor(urlEqualTo("/hook/solo"))).size() == 1);
      assertThat(agent.ha()).isNull();
      Set<String> added = threadNames();
      added.removeAll(before);
      // the agent's own threads; the receiver's and OkHttp's come and go, but nothing of HA's
      assertThat(added).contains("cx-alerting", "cx-notify-hook");
      assertThat(added)
          .noneMatch(n -> n.matches("(?i).*(lease|alerting-log|httpclient|fabric8|kubernetes).*"));
      assertThat(value(registry, "cx_alerting_leader")).isNaN();
      assertThat(value(registry, "cx_alerting_leader_changes")).isNaN();
    } finally {
      agent.close();
      store.close();
    }
  }

  @Test
  void requestsEndBeforeAFollowerMayTakeOver() {
    LeaseConfig defaults =
        new LeaseConfig(
            "cx",
            NS,
            "cx-0",
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2));
    assertThat(AlertAgent.requestTimeout(defaults)).isEqualTo(Duration.ofMillis(2500));
    LeaseConfig roomy =
        new LeaseConfig(
            "cx",
            NS,
            "cx-0",
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2));
    assertThat(AlertAgent.requestTimeout(roomy)).isEqualTo(Duration.ofSeconds(5));
    LeaseConfig tight = new LeaseConfig("cx", NS, "cx-0", LEASE, Duration.ofMillis(1500), RETRY);
    assertThat(AlertAgent.requestTimeout(tight)).isEqualTo(Duration.ofSeconds(1));
    try (KubernetesClient k = AlertAgent.kubernetesClient(defaults)) {
      assertThat(k.getConfiguration().getRequestTimeout()).isEqualTo(2500);
      assertThat(k.getConfiguration().getConnectionTimeout()).isEqualTo(2500);
      assertThat(k.getConfiguration().getRequestRetryBackoffLimit()).isZero();
    }
  }

  static Set<String> threadNames() {
    Set<String> out = new HashSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> out.add(t.getName()));
    return out;
  }

  /** The rules over a snapshot holding the {@code backlog} this test sets, for one replica. */
  RuleEvaluator evaluator(AlertingConfig config, AlertLog log) {
    return new RuleEvaluator(
        config,
        List.of(),
        log,
        clock,
        () ->
            new KpiSnapshot(
                clock.instant(),
                List.of(
                    new KpiSeries(
                        "tickets_open",
                        List.of("source", "status"),
                        List.of("zd", "open"),
                        backlog))),
        () -> Map.of("zd", true),
        (rule, labels) -> List.of(),
        "http://cx:9184/");
  }
}
