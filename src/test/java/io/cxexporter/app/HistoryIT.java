package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.model.Ticket;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.PrometheusServer;
import io.cxexporter.testing.Tools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's "Fill Grafana with history" commands, for real: the demo backfills its 30 days into
 * a state file, {@code cx-exporter history} writes them at a 1 h step, the real {@code promtool
 * tsdb create-blocks-from openmetrics} turns that into blocks, and a real Prometheus serves them.
 * What Prometheus answers at past instants must equal what a KPI engine of its own computes with
 * its clock at that instant, and a 30-day range query must return 30 days of points.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryIT {
  static final Map<String, String> EXTRA = Map.of("job", "cx-exporter", "instance", "host:9877");

  Path dir;
  Path promtool;
  ExporterConfig config;
  Instant until;
  String stderr;
  PrometheusServer prom;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    // before the slow part: outside CI a missing tool skips, in CI it fails
    promtool = Tools.require("promtool", "prometheus");
    Tools.require("prometheus", "prometheus");
    String demo = ConfigLoader.builtInDemoText();
    TestApps.Running app = TestApps.start(dir, demo.substring(demo.indexOf("kpi:")));
    try {
      await("every stream backfilled within two minutes")
          .atMost(Duration.ofSeconds(120))
          .until(() -> DemoEndToEndIT.backfillDone(Http.get(app.port(), "/metrics").body()));
      config = ConfigLoader.standard().load(app.configFile());
    } finally {
      app.close();
    }
    until = Instant.now().truncatedTo(ChronoUnit.HOURS);
    Path om = dir.resolve("history.om");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "history",
            "--config.file=" + app.configFile(),
            "--from",
            "30d",
            "--step",
            "1h",
            "--until",
            until.toString(),
            "--label",
            "job=cx-exporter",
            "--label",
            "instance=host:9877",
            "--out",
            om.toString());
    stderr = err.toString();
    assertThat(code).as(stderr).isZero();
    Path tsdb = dir.resolve("prom").resolve("tsdb");
    Files.createDirectories(tsdb);
    // --max-block-duration (hidden in 2.42's --help): two passes over the file instead of 360
    Process p =
        new ProcessBuilder(
                promtool.toString(),
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                "--max-block-duration=720h",
                "-q",
                om.toString(),
                tsdb.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("promtool within 5 minutes").isTrue();
    assertThat(p.exitValue()).as("promtool create-blocks-from openmetrics: " + out).isZero();
    prom =
        PrometheusServer.start(
            dir.resolve("prom"),
            "global: {scrape_interval: 1m}\n",
            List.of("--storage.tsdb.retention.time=60d"));
  }

  @AfterAll
  void stop() {
    if (prom != null) {
      prom.close();
    }
  }

  /**
   * Past instants on the 1 h grid, from a day back to almost 30 days back: 15:00 UTC of weekdays
   * (the demo team works office hours in Ljubljana, so a business-hours KPI over the last 24 h has
   * values then, and not on a Sunday).
   */
  List<Instant> instants() {
    List<Instant> out = new ArrayList<>();
    for (int daysBack : new int[] {1, 3, 8, 15, 28}) {
      Instant t =
          until
              .minus(Duration.ofDays(daysBack))
              .truncatedTo(ChronoUnit.DAYS)
              .plus(Duration.ofHours(15));
      Duration move = Duration.ofDays(daysBack < 15 ? -1 : 1);
      while (t.atZone(ZoneOffset.UTC).getDayOfWeek().getValue() >= 6) {
        t = t.plus(move);
      }
      out.add(t);
    }
    return out;
  }

  /** A KPI engine of the test's own, loaded from the state file, its clock at {@code t}. */
  KpiSnapshot engineAt(Instant t) {
    KpiEngine kpi = KpiEngine.fullScan(config.kpi(), Clock.fixed(t, ZoneOffset.UTC));
    try (Store store = Store.open(config.statePath(), Clock.systemUTC())) {
      kpi.load("demo", action -> store.forEach("demo", action));
    }
    return kpi.compute();
  }

  /** Open tickets at {@code t} counted here: created by t, not solved by t. */
  long openAt(Instant t) {
    long[] n = {0};
    try (Store store = Store.open(config.statePath(), Clock.systemUTC())) {
      store.forEach(
          "demo",
          (stream, r) -> {
            if (r instanceof Ticket k
                && !k.createdAt().isAfter(t)
                && (k.solvedAt() == null || k.solvedAt().isAfter(t))
                && (k.solvedAt() != null || k.status().isOpen() || k.updatedAt().isAfter(t))) {
              n[0]++;
            }
          });
    }
    return n[0];
  }

  /**
   * The value Prometheus answers at {@code t} for the series of {@code name} whose labels are
   * exactly {@code labels} plus job and instance.
   */
  double promAt(String name, Map<String, String> labels, Instant t) {
    JsonNode r =
        prom.get(
            "/api/v1/query?query="
                + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "&time="
                + t.getEpochSecond());
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("success");
    Map<String, String> want = new HashMap<>(labels);
    want.putAll(EXTRA);
    want.put("__name__", name);
    List<Double> found = new ArrayList<>();
    for (JsonNode s : r.path("data").path("result")) {
      Map<String, String> got = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("metric").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        got.put(e.getKey(), e.getValue().asText());
      }
      if (got.equals(want)) {
        found.add(Double.parseDouble(s.path("value").get(1).asText()));
      }
    }
    assertThat(found).as(name + want + " at " + t + " in " + r).hasSize(1);
    return found.get(0);
  }

  @Test
  void csatOverSevenDaysEqualsTheEngineAtPastInstants() {
    Map<String, String> labels = Map.of("source", "demo", "window", "7d");
    for (Instant t : instants()) {
      double expected = engineAt(t).value("kpi_csat_ratio", labels);
      assertThat(expected).as("the engine at " + t).isNotNaN();
      assertThat(promAt("cx_kpi_csat_ratio", labels, t)).as("at " + t).isEqualTo(expected);
    }
  }

  @Test
  void businessFirstResponseP90OverADayEqualsTheEngineAtPastInstants() {
    Map<String, String> labels =
        Map.of("source", "demo", "stat", "p90", "hours", "business", "window", "24h");
    for (Instant t : instants()) {
      double expected = engineAt(t).value("kpi_first_response_seconds", labels);
      assertThat(expected).as("the engine at " + t).isNotNaN();
      assertThat(promAt("cx_kpi_first_response_seconds", labels, t))
          .as("at " + t)
          .isEqualTo(expected);
    }
  }

  @Test
  void theHistoryBacklogEqualsTheTicketsOpenAtPastInstants() {
    for (Instant t : instants()) {
      long expected = openAt(t);
      assertThat(expected).as("open at " + t).isPositive();
      assertThat(promAt("cx_tickets_open_total_history", Map.of("source", "demo"), t))
          .as("at " + t)
          .isEqualTo((double) expected);
    }
  }

  @Test
  void aThirtyDayRangeQueryReturnsThirtyDaysOfPoints() {
    Instant start = until.minus(Duration.ofDays(30));
    JsonNode r =
        prom.get(
            "/api/v1/query_range?query="
                + URLEncoder.encode(
                    "cx_kpi_csat_ratio{source=\"demo\",window=\"7d\",job=\"cx-exporter\","
                        + "channel=\"\",group=\"\",priority=\"\"}",
                    StandardCharsets.UTF_8)
                + "&start="
                + start.getEpochSecond()
                + "&end="
                + until.getEpochSecond()
                + "&step=3600");
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("success");
    JsonNode result = r.path("data").path("result");
    assertThat(result).as(r.toString()).hasSize(1);
    JsonNode values = result.get(0).path("values");
    // The series starts at the first hour whose 7-day window holds a survey answer: the demo's
    // history begins 30 days back, and its team answers in office hours only, so the first points
    // come up to a night (or a weekend) after the start, depending on when the test runs. That
    // hour comes from the test's own engine; from it to now there must be a point every hour.
    Instant first = firstHourWithCsat(start);
    assertThat(Duration.between(start, first))
        .as("the first CSAT answer within a long weekend of the start")
        .isLessThanOrEqualTo(Duration.ofDays(3));
    long hours = Duration.between(first, until).toHours() + 1;
    assertThat(values.size())
        .as("a point per hour from " + first + " to " + until)
        .isEqualTo(hours);
    assertThat(values.get(0).get(0).asLong()).isEqualTo(first.getEpochSecond());
    assertThat(values.get(values.size() - 1).get(0).asLong()).isEqualTo(until.getEpochSecond());
  }

  /**
   * The first hour from {@code start} at which the test's engine has a 7-day CSAT: a binary search,
   * since once an answer is in the window the demo's daily answers keep one there.
   */
  Instant firstHourWithCsat(Instant start) {
    Map<String, String> labels = Map.of("source", "demo", "window", "7d");
    long lo = 0; // hours after start
    long hi = Duration.between(start, until).toHours();
    assertThat(engineAt(until).value("kpi_csat_ratio", labels)).as("CSAT now").isNotNaN();
    while (lo < hi) {
      long mid = (lo + hi) / 2;
      if (Double.isNaN(
          engineAt(start.plus(Duration.ofHours(mid))).value("kpi_csat_ratio", labels))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return start.plus(Duration.ofHours(lo));
  }

  @Test
  void reportsProgressWithPercentAndEtaInPlace() {
    assertThat(stderr)
        .contains("\rhistory: computing 100% (721/721)")
        .contains("ETA")
        .contains("721 steps from " + until.minus(Duration.ofDays(30)) + " to " + until);
  }
}
