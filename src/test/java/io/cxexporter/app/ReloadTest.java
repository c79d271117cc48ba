package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadTest {
  @TempDir Path dir;
  TestApps.Running app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  void rewrite(String connectors) throws IOException {
    String text = Files.readString(app.configFile());
    Files.writeString(
        app.configFile(), text.substring(0, text.indexOf("connectors:")) + connectors);
  }

  @Test
  void aBadConfigKeepsTheRunningOneAndIsReported() throws Exception {
    StaticConnectorFactory.STREAMS.put("one", List.of(new ScriptedStream("tickets")));
    StaticConnectorFactory.STREAMS.put("two", List.of(new ScriptedStream("tickets")));
    app = TestApps.start(dir, "connectors: [{name: one, type: static}]\n");

    rewrite("connectors: [{name: two, type: static, pol_interval: 5s}]\n");
    HttpResponse<String> r = Http.post(app.port(), "/-/reload");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body())
        .isEqualTo(
            "Reload failed, previous config still running:\n  connectors[0].pol_interval: unknown key\n");
    assertThat(Http.get(app.port(), "/metrics").body())
        .contains("cx_config_last_reload_successful 0.0");
    String page = Http.get(app.port(), "/").body();
    assertThat(page)
        .contains("id=\"reload-error\"")
        .contains("connectors[0].pol_interval: unknown key");
    assertThat(page).contains("data-source=\"one\"").doesNotContain("data-source=\"two\"");

    rewrite("connectors: [{name: two, type: static, poll_interval: 90s}]\n");
    assertThat(Http.post(app.port(), "/-/reload").statusCode()).isEqualTo(200);
    String metrics = Http.get(app.port(), "/metrics").body();
    assertThat(metrics)
        .contains("cx_config_last_reload_successful 1.0")
        .contains("cx_connector_poll_interval_seconds{source=\"two\"} 90.0")
        .as("a removed connector's series go, or it would page as stale forever")
        .doesNotContain("source=\"one\"");
    page = Http.get(app.port(), "/").body();
    assertThat(page)
        .contains("data-source=\"two\"")
        .doesNotContain("data-source=\"one\"")
        .doesNotContain("reload-error");
  }

  @Test
  void sighupReloads() throws Exception {
    StaticConnectorFactory.STREAMS.put("hup", List.of(new ScriptedStream("tickets")));
    app = TestApps.start(dir, "connectors: [{name: one, type: static}]\n");
    Signals.onHangup(app.app()::reload);

    rewrite("connectors: [{name: hup, type: static}]\n");
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
    assertThat(kill.waitFor()).isZero();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Http.get(app.port(), "/").body().contains("data-source=\"hup\""));
  }

  /** bcrypt of "s3cret" (the web tests' hash). */
  static final String HASH = "$2y$10$TERhWtVRGeJq708Q7BhHruGubEn2jWjZXB7yUWa28nFDXbqX9K/xO";

  static String basic(String user, String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aReloadReReadsTheWebConfigAtOnceNotAtTheNextPoll() throws Exception {
    Path webConfig = dir.resolve("web.yml");
    Files.writeString(webConfig, "basic_auth_users:\n  prometheus: " + HASH + "\n");
    Path file = dir.resolve("cx.yml");
    Files.writeString(
        file,
        "server: {listen_address: \"127.0.0.1:0\"}\nstate: {path: \""
            + dir.resolve("state")
            + "\"}\nconnectors: [{name: one, type: static}]\n");
    ConfigLoader loader = ConfigLoader.standard();
    io.prometheus.metrics.model.registry.PrometheusRegistry registry =
        new io.prometheus.metrics.model.registry.PrometheusRegistry();
    io.cxexporter.web.WebServer.Options web =
        new io.cxexporter.web.WebServer.Options(
            "/metrics", 40, false, webConfig, Duration.ofHours(1));
    app =
        new TestApps.Running(
            App.start(loader.load(file), web, loader, file, registry, Clock.systemUTC()),
            file,
            registry);
    String alice = basic("alice", "s3cret");
    assertThat(Http.get(app.port(), "/metrics", "Authorization", alice).statusCode())
        .isEqualTo(401);

    Files.writeString(webConfig, "basic_auth_users:\n  alice: " + HASH + "\n");
    assertThat(app.app().reload()).isNullOrEmpty();

    assertThat(Http.get(app.port(), "/metrics", "Authorization", alice).statusCode())
        .as("the watcher polls hourly here, so only the reload can have read the change")
        .isEqualTo(200);
  }

  static String metrics(TestApps.Running app) {
    return Http.get(app.port(), "/metrics").body();
  }

  static Ticket ticket(String id) {
    Instant t = Instant.now().minus(Duration.ofMinutes(5));
    return Ticket.builder(id)
        .createdAt(t)
        .updatedAt(t)
        .status(TicketStatus.OPEN)
        .group("Billing")
        .build();
  }

  /** The series of {@code family} for {@code source}, as served. */
  static List<String> series(TestApps.Running app, String family, String source) {
    return metrics(app)
        .lines()
        .filter(l -> l.startsWith(family + "{") && l.contains("source=\"" + source + "\""))
        .toList();
  }

  @Test
  void anUnchangedConfigKeepsTheCountersAcrossAReload() throws Exception {
    ScriptedStream tickets = new ScriptedStream("tickets").page(ticket("1"));
    StaticConnectorFactory.STREAMS.put("kc", List.of(tickets));
    app = TestApps.start(dir, "connectors: [{name: kc, type: static, poll_interval: 1s}]\n");
    await("backfill done")
        .atMost(Duration.ofSeconds(20))
        .until(() -> metrics(app).contains("backfill_progress_ratio{source=\"kc\""));
    tickets.page(ticket("2")); // read live by the next poll: a transition the counters count
    await("the live ticket counted")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                series(app, "cx_tickets_created_total", "kc").stream()
                    .anyMatch(l -> l.endsWith(" 1.0")));
    List<String> before = series(app, "cx_tickets_created_total", "kc");

    assertThat(app.app().reload()).isNull();

    assertThat(series(app, "cx_tickets_created_total", "kc")).isEqualTo(before);
  }

  @Test
  void aStoppedConnectorsLateThreadWritesNothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    Thread[] late = new Thread[1];
    ScriptedStream stuck =
        new ScriptedStream("tickets")
            .page(ticket("1"))
            .onRead(
                from -> {
                  // a connector that ignores both interrupt and cancel
                  late[0] = Thread.currentThread();
                  held.countDown();
                  boolean interrupted = false;
                  while (true) {
                    try {
                      release.await();
                      break;
                    } catch (InterruptedException e) {
                      interrupted = true;
                    }
                  }
                  if (interrupted) {
                    Thread.currentThread().interrupt();
                  }
                });
    StaticConnectorFactory.STREAMS.put("stuck", List.of(stuck));
    StaticConnectorFactory.STREAMS.put("other", List.of(new ScriptedStream("tickets")));
    app =
        TestApps.start(
            dir,
            "shutdown_timeout: 500ms\nconnectors: [{name: stuck, type: static},"
                + " {name: other, type: static}]\n");
    assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
    rewrite("connectors: [{name: other, type: static}]\n");

    long t0 = System.nanoTime();
    assertThat(app.app().reload()).isNull();
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(took).as("reload waits shutdown_timeout at most").isLessThan(Duration.ofSeconds(3));
    assertThat(metrics(app)).doesNotContain("source=\"stuck\"");
    release.countDown();
    // the thread belongs to the sync pool, which keeps running the other connector: wait until it
    // left the stuck connector's step rather than for it to end
    await("the late step returned")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                java.util.Arrays.stream(late[0].getStackTrace())
                    .noneMatch(f -> f.getClassName().endsWith("StreamRunner")));
    assertThat(metrics(app))
        .as("the late thread re-created no series of the removed connector")
        .doesNotContain("source=\"stuck\"");
    app.close();
    try (Store store = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      assertThat(store.has("stuck")).as("its page was not committed").isFalse();
      assertThat(store.state("stuck", "tickets").cursor().isStart()).isTrue();
    }
  }

  @Test
  void fiftyReloadsLeakNoThreads() throws Exception {
    StaticConnectorFactory.STREAMS.put("a", List.of(new ScriptedStream("tickets")));
    StaticConnectorFactory.STREAMS.put("b", List.of(new ScriptedStream("tickets")));
    app = TestApps.start(dir, "connectors: [{name: a, type: static}, {name: b, type: static}]\n");
    for (int i = 0; i < 5; i++) { // warm up pools that start lazily (web, HTTP client)
      assertThat(app.app().reload()).isNull();
    }
    int before = Thread.activeCount();

    for (int i = 0; i < 50; i++) {
      assertThat(app.app().reload()).isNull();
    }

    // sync threads end with their pipeline; a leak would add at least one per reload
    await("the thread count settles")
        .atMost(Duration.ofSeconds(10))
        .until(() -> Thread.activeCount() <= before + 3);
  }

  @Test
  void aStormOfHangupsEndsInTheLastConfigWithoutOverlappingRuns() throws Exception {
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ScriptedStream storm =
        new ScriptedStream("tickets")
            .page(ticket("1"))
            .onRead(
                from -> {
                  most.accumulateAndGet(reading.incrementAndGet(), Math::max);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "stopped");
                  } finally {
                    reading.decrementAndGet();
                  }
                });
    StaticConnectorFactory.STREAMS.put("storm", List.of(storm));
    app = TestApps.start(dir, "connectors: [{name: storm, type: static, poll_interval: 1s}]\n");
    Signals.onHangup(app.app()::requestReload);
    long pid = ProcessHandle.current().pid();

    for (int i = 1; i <= 20; i++) {
      rewrite("connectors: [{name: storm, type: static, poll_interval: " + (100 + i) + "s}]\n");
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start();
      assertThat(kill.waitFor()).isZero();
      Thread.sleep(100); // 20 signals in about 2 s
    }

    await("the last config runs")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                metrics(app)
                    .contains("cx_connector_poll_interval_seconds{source=\"storm\"} 120.0"));
    assertThat(app.app().pipeline().config.connectors().get(0).pollInterval())
        .isEqualTo(Duration.ofSeconds(120));
    assertThat(most.get()).as("reads of the connector at once, over all its runs").isEqualTo(1);
  }

  @Test
  void aListenAddressFlagSurvivesReloads() throws Exception {
    StaticConnectorFactory.STREAMS.put("one", List.of(new ScriptedStream("tickets")));
    Path file = dir.resolve("cx.yml");
    Files.writeString(
        file,
        "server: {listen_address: \":9\"}\nstate: {path: \""
            + dir.resolve("state")
            + "\"}\nconnectors: [{name: one, type: static}]\n");
    Main main = new Main();
    main.listenAddress = "127.0.0.1:0";
    App.Overrides flags = main.overrides();
    ConfigLoader loader = ConfigLoader.standard();
    App started =
        App.start(
            flags.apply(loader.load(file)),
            loader,
            file,
            flags,
            new io.prometheus.metrics.model.registry.PrometheusRegistry(),
            Clock.systemUTC());
    app = new TestApps.Running(started, file, null);
    var server = started.pipeline().config.server();

    assertThat(started.reload()).isNull();
    assertThat(started.reload()).isNull();

    assertThat(started.pipeline().config.server())
        .as("the flag, not the file's :9, and no 'server settings changed' warning")
        .isEqualTo(server);
    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.port()).isZero();
  }
}
