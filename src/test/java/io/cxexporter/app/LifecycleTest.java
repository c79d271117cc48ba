package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.cxexporter.store.Store;
import io.cxexporter.store.StreamState;
import io.cxexporter.testing.Http;
import io.cxexporter.util.HttpCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping and reloading while a vendor request hangs (issue 16, Lifecycle): an http_json connector
 * against a WireMock vendor whose second backfill page answers only after 45 s.
 */
class LifecycleTest {
  /** Far above the 2 s {@code shutdown_timeout} plus scheduling noise, far below the old 10 s. */
  static final Duration STOP_BOUND = Duration.ofSeconds(4);

  @TempDir Path dir;
  @TempDir Path uninterrupted;
  WireMockServer vendor;
  final List<TestApps.Running> apps = new ArrayList<>();
  final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeEach
  void startVendor() {
    vendor = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    vendor.start();
  }

  @AfterEach
  void stop() {
    apps.forEach(TestApps.Running::close);
    vendor.stop();
  }

  TestApps.Running start(Path in, String connectors) {
    TestApps.Running app = TestApps.start(in, "connectors:\n" + connectors);
    apps.add(app);
    return app;
  }

  /** An http_json connector reading {@code /<name>/cases}, cursor-paged: p1, p2 (the last). */
  String connector(String name) {
    return "  - name: "
        + name
        + "\n"
        + "    type: http_json\n"
        + "    base_url: "
        + vendor.baseUrl()
        + "\n"
        + "    auth: {bearer: {token: t}}\n"
        + "    poll_interval: 1h\n"
        + "    streams:\n"
        + "      tickets:\n"
        + "        path: /"
        + name
        + "/cases\n"
        + "        records: \"$.data[*]\"\n"
        + "        paginate: {cursor: {param: cursor, path: \"$.next\", stop: \"$.done\"}}\n"
        + "        map:\n"
        + "          id: \"$.ref\"\n"
        + "          created_at: \"$.opened\"\n"
        + "          updated_at: \"$.changed\"\n"
        + "          solved_at: \"$.solved\"\n"
        + "          status: {path: \"$.state\", values: {o: open, s: solved}}\n";
  }

  String ticket(String ref, int hoursAgo, boolean solved) {
    Instant opened = now.minus(Duration.ofHours(hoursAgo));
    Instant solvedAt = opened.plus(Duration.ofMinutes(30L * (1 + ref.length())));
    return "{\"ref\":\""
        + ref
        + "\",\"opened\":\""
        + opened
        + "\",\"changed\":\""
        + (solved ? solvedAt : opened)
        + "\",\"state\":\""
        + (solved ? "s" : "o")
        + "\""
        + (solved ? ",\"solved\":\"" + solvedAt + "\"" : "")
        + "}";
  }

  /** Page 1 at once; page 2 (the last) after {@code delayMs}. */
  void serve(String name, int delayMs) {
    vendor.stubFor(
        get(urlPathEqualTo("/" + name + "/cases"))
            .atPriority(2)
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"data\":["
                            + ticket("1", 5, true)
                            + ","
                            + ticket("2", 3, false)
                            + "],\"next\":\"p2\",\"done\":false}")));
    vendor.stubFor(
        get(urlPathEqualTo("/" + name + "/cases"))
            .withQueryParam("cursor", equalTo("p2"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withFixedDelay(delayMs)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"data\":["
                            + ticket("3", 2, true)
                            + ","
                            + ticket("4", 1, true)
                            + "],\"next\":\"p3\",\"done\":true}")));
  }

  void awaitHangingPage(String name) {
    await("the request for page 2 is in flight")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !vendor
                    .findAll(
                        getRequestedFor(urlPathEqualTo("/" + name + "/cases"))
                            .withQueryParam("cursor", equalTo("p2")))
                    .isEmpty());
  }

  static long millisOf(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** The windowed KPIs and the backlog, as served: what a restart must reproduce. */
  static List<String> kpis(TestApps.Running app) {
    app.refresh();
    return Http.get(app.port(), "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("cx_kpi_") || l.startsWith("cx_tickets_open{"))
        .sorted()
        .collect(Collectors.toList());
  }

  static String metrics(TestApps.Running app) {
    return Http.get(app.port(), "/metrics").body();
  }

  @Test
  void stopDuringABackfillWithAHangingRequestIsQuickCommitsNothingOfThePageAndRestartsExactly()
      throws Exception {
    serve("zd", 45_000);
    TestApps.Running app = start(dir, connector("zd"));
    awaitHangingPage("zd");

    long ms = millisOf(app::close);

    assertThat(Duration.ofMillis(ms))
        .as("close with a request hanging took %d ms", ms)
        .isLessThan(STOP_BOUND);
    assertThat(HttpCalls.runningTo(vendor.port())).as("no call left in flight").isZero();
    Path wal = dir.resolve("state").resolve("cx.db-wal");
    assertThat(!Files.exists(wal) || Files.size(wal) == 0)
        .as("the WAL is checkpointed into the state file")
        .isTrue();
    try (Store store = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      StreamState st = store.state("zd", "tickets");
      assertThat(st.backfillDone()).isFalse();
      assertThat(st.cursor().value())
          .as("the cursor stays before the page not read")
          .contains("p2");
      List<String> ids = new ArrayList<>();
      store.forEach("zd", (stream, r) -> ids.add(r.id()));
      assertThat(ids).containsExactlyInAnyOrder("1", "2");
    }

    vendor.resetAll();
    serve("zd", 0);
    TestApps.Running restarted = start(dir, connector("zd"));
    TestApps.Running straight = start(uninterrupted, connector("zd"));
    for (TestApps.Running a : List.of(restarted, straight)) {
      await("backfill done")
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  metrics(a)
                      .contains(
                          "cx_connector_backfill_progress_ratio{source=\"zd\",stream=\"tickets\"}"
                              + " 1.0"));
    }
    assertThat(kpis(restarted)).isNotEmpty().isEqualTo(kpis(straight));
  }

  @Test
  void reloadRemovingAConnectorWithAHangingRequestIsQuickAndItsSeriesStayGone() throws Exception {
    serve("gone", 45_000);
    serve("kept", 0);
    TestApps.Running app = start(dir, connector("gone") + connector("kept"));
    awaitHangingPage("gone");
    String text = Files.readString(app.configFile());
    Files.writeString(
        app.configFile(),
        text.substring(0, text.indexOf("connectors:")) + "connectors:\n" + connector("kept"));

    long ms = millisOf(() -> assertThat(app.app().reload()).isNull());

    assertThat(Duration.ofMillis(ms))
        .as("reload with a request hanging took %d ms", ms)
        .isLessThan(STOP_BOUND);
    await("the kept connector caught up")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                metrics(app)
                    .contains(
                        "cx_connector_backfill_progress_ratio{source=\"kept\",stream=\"tickets\"}"
                            + " 1.0"));
    assertThat(HttpCalls.runningTo(vendor.port())).as("the cancelled call is gone").isZero();
    assertThat(metrics(app)).doesNotContain("source=\"gone\"");
    app.close();
    try (Store store = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      assertThat(store.has("gone")).as("a removed connector's stored records stay").isTrue();
      assertThat(store.state("gone", "tickets").cursor().value()).contains("p2");
    }
  }
}
