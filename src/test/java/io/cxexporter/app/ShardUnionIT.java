package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.testing.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three shard processes ({@code --shard=0..2 --total-shards=3}) and one unsharded process, real
 * JVMs on loopback, over one config of 30 demo connectors, all with the clock fixed at one instant
 * ({@code -Dcx.clock.fixed}, testing only): the union of the shards' {@code /metrics} equals the
 * single process's, sample for sample, for every per-source family; and each connector runs on
 * exactly one shard, the one the documented hash names.
 *
 * <p><b>Compared</b>: every sample that carries a {@code source} label: the {@code cx_kpi_*}
 * gauges, {@code cx_tickets_*}, {@code cx_ticket_*_seconds} histograms, {@code cx_sla_*}, {@code
 * cx_survey_*}, {@code cx_deals_*}, {@code cx_customers}, {@code cx_mrr}, {@code
 * cx_label_values_folded} and every {@code cx_connector_*} family (up, freshness, poll interval,
 * sync duration, backfill progress, errors, requests, request latency, rate-limit budget, clock
 * skew). With the clock fixed, the demo's records, its simulated requests and their latencies, the
 * sync durations (clock-measured: 0) and the freshness timestamps are functions of the config
 * alone. Values must be equal; a float may differ in its last bits only ({@link #same}), because a
 * source's streams run on several threads and a sum's order of additions (request latency {@code
 * _sum}) is not fixed.
 *
 * <p><b>The same in every process</b> ({@link #CONFIG_WIDE}): {@code cx_kpi_target}, the goals of
 * {@code kpi.targets}, which carry no {@code source}: every replica exports them whole, so each
 * shard's must equal the single process's.
 *
 * <p><b>Not compared</b>, each family listed in {@link #PER_PROCESS}, so a new family without a
 * {@code source} label fails this test until someone decides where it belongs: {@code jvm_*} and
 * {@code process_*} (each JVM's own memory, threads, CPU, start time); {@code cx_build_info} (one
 * per process, the same in all four: a union would hold it three times); {@code
 * cx_config_last_reload_*} and {@code cx_web_config_last_reload_successful} (each process's own
 * config loads); {@code cx_snapshot_*} (each process's own KPI computation: its duration is wall
 * time); {@code cx_http_requests_rejected_total} and {@code cx_state_resets_total} (each process's
 * own web server and state file); {@code cx_exporter_shard_ordinal} and {@code
 * cx_exporter_total_shards} (differ by design: they say which shard a process is).
 */
class ShardUnionIT {
  static final String FIXED = "2026-11-30T12:00:00Z";
  static final int CONNECTORS = 30;
  static final int SHARDS = 3;

  /** Families without a {@code source} label: about one process, not about a source. */
  static final Set<String> PER_PROCESS =
      Set.of(
          "cx_build_info",
          "cx_config_last_reload_successful",
          "cx_config_last_reload_success_timestamp_seconds",
          "cx_web_config_last_reload_successful",
          "cx_snapshot_refresh_duration_seconds",
          "cx_snapshot_timestamp_seconds",
          "cx_http_requests_rejected_total",
          "cx_state_resets_total",
          "cx_exporter_shard_ordinal",
          "cx_exporter_total_shards");

  /** Families without a {@code source} label that come from the config: the same everywhere. */
  static final Set<String> CONFIG_WIDE = Set.of("cx_kpi_target");

  /**
   * The documented hash's partition of {@code demo-00..demo-29} over 3 shards (FNV-1a 64 of the
   * name, unsigned, mod 3), written out rather than computed, so the code under test is not its own
   * oracle.
   */
  static final Map<Integer, List<String>> EXPECTED_SHARDS =
      Map.of(
          0,
          names(2, 4, 7, 9, 10, 13, 16, 19, 21, 22, 27),
          1,
          names(1, 6, 8, 11, 14, 17, 20, 25, 26, 29),
          2,
          names(0, 3, 5, 12, 15, 18, 23, 24, 28));

  private static final Pattern SOURCE = Pattern.compile("[{,]source=\"([^\"]*)\"");
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://127\\.0\\.0\\.1:([0-9]+)");

  @TempDir Path dir;
  final List<Child> children = new ArrayList<>();

  record Child(String name, Process process, Path log) {}

  @AfterEach
  void stop() throws Exception {
    for (Child c : children) {
      c.process().destroy();
    }
    for (Child c : children) {
      if (!c.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        c.process().destroyForcibly();
      }
    }
  }

  @Test
  void theShardsTogetherExportExactlyWhatOneProcessExports() throws Exception {
    long t0 = System.nanoTime();
    Child all = start("all", List.of());
    List<Child> shards = new ArrayList<>();
    for (int n = 0; n < SHARDS; n++) {
      shards.add(start("shard" + n, List.of("--shard=" + n, "--total-shards=" + SHARDS)));
    }
    int allPort = port(all);
    List<Integer> ports = new ArrayList<>();
    for (Child shard : shards) {
      ports.add(port(shard));
    }

    Map<String, String> single = settled(all, allPort, allNames());
    List<Map<String, String>> parts = new ArrayList<>();
    for (int n = 0; n < SHARDS; n++) {
      parts.add(settled(shards.get(n), ports.get(n), EXPECTED_SHARDS.get(n)));
    }
    System.out.printf(
        "ShardUnionIT: 4 processes settled in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    // each connector on exactly one shard, the documented one
    for (int n = 0; n < SHARDS; n++) {
      assertThat(sources(parts.get(n)))
          .as("sources exported by shard %d", n)
          .containsExactlyInAnyOrderElementsOf(EXPECTED_SHARDS.get(n));
      for (String name : EXPECTED_SHARDS.get(n)) {
        assertThat(Sharding.shardOf(name, SHARDS)).as(name).isEqualTo(n);
      }
    }
    assertThat(sources(single)).containsExactlyInAnyOrderElementsOf(allNames());

    // the config-wide samples: each shard has them all
    Map<String, String> wholeConfig = configWide(single);
    assertThat(wholeConfig).as("cx_kpi_target samples").hasSize(3);
    for (int n = 0; n < SHARDS; n++) {
      assertThat(configWide(parts.get(n)))
          .as("shard %d config-wide samples", n)
          .isEqualTo(wholeConfig);
    }

    // the union, sample for sample; no sample in two shards
    Map<String, String> union = new TreeMap<>(wholeConfig);
    for (int n = 0; n < SHARDS; n++) {
      for (Map.Entry<String, String> e : parts.get(n).entrySet()) {
        if (wholeConfig.containsKey(e.getKey())) {
          continue;
        }
        assertThat(union.put(e.getKey(), e.getValue()))
            .as("%s exported by two shards", e.getKey())
            .isNull();
      }
    }
    assertThat(union.keySet()).isEqualTo(new TreeSet<>(single.keySet()));
    List<String> different = new ArrayList<>();
    for (Map.Entry<String, String> e : single.entrySet()) {
      if (!same(e.getValue(), union.get(e.getKey()))) {
        different.add(
            e.getKey() + ": one process " + e.getValue() + ", shards " + union.get(e.getKey()));
      }
    }
    assertThat(different).as("samples whose values differ").isEmpty();

    // what was compared covers the per-source families
    Set<String> families = new TreeSet<>();
    single.keySet().forEach(k -> families.add(k.replaceFirst("\\{.*", "")));
    assertThat(families)
        .contains(
            "cx_kpi_first_response_seconds",
            "cx_kpi_resolution_seconds",
            "cx_kpi_csat_ratio",
            "cx_kpi_sla_attainment_ratio",
            "cx_tickets_open",
            "cx_tickets_created_total",
            "cx_ticket_resolution_seconds_bucket",
            "cx_connector_up",
            "cx_connector_requests_total",
            "cx_connector_backfill_progress_ratio",
            "cx_connector_rate_limit_remaining");
    assertThat(families.stream().filter(f -> f.startsWith("cx_kpi_")).count())
        .isGreaterThanOrEqualTo(10);
    assertThat(single.size()).as("samples compared").isGreaterThan(CONNECTORS * 100);

    // the shard processes said which shard they are
    for (int n = 0; n < SHARDS; n++) {
      int expected = EXPECTED_SHARDS.get(n).size();
      assertThat(Files.readString(shards.get(n).log()))
          .contains(
              "shard "
                  + n
                  + " of "
                  + SHARDS
                  + ": "
                  + expected
                  + " of "
                  + CONNECTORS
                  + " connectors")
          .contains("-Dcx.clock.fixed: the clock is fixed at " + FIXED);
      String metrics = Http.get(ports.get(n), "/metrics").body();
      assertThat(metrics)
          .contains("\ncx_exporter_shard_ordinal{shard_ordinal=\"" + n + "\"} " + n + ".0\n")
          .contains("\ncx_exporter_total_shards 3.0\n");
    }
    System.out.printf(
        "ShardUnionIT: %d samples over %d families compared in %d ms in all%n",
        single.size(), families.size(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** Equal, or doubles that differ in their last bits only (a sum added in another order). */
  static boolean same(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    if (b == null) {
      return false;
    }
    double x = Double.parseDouble(a);
    double y = Double.parseDouble(b);
    return Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y));
  }

  private static Map<String, String> configWide(Map<String, String> samples) {
    Map<String, String> out = new TreeMap<>();
    samples.forEach(
        (k, v) -> {
          if (CONFIG_WIDE.contains(k.replaceFirst("\\{.*", ""))) {
            out.put(k, v);
          }
        });
    return out;
  }

  private static List<String> names(int... ids) {
    List<String> out = new ArrayList<>();
    for (int i : ids) {
      out.add(String.format("demo-%02d", i));
    }
    return out;
  }

  private static List<String> allNames() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < CONNECTORS; i++) {
      out.add(String.format("demo-%02d", i));
    }
    return out;
  }

  private static Set<String> sources(Map<String, String> samples) {
    Set<String> out = new TreeSet<>();
    for (String k : samples.keySet()) {
      Matcher m = SOURCE.matcher(k);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * The config: 30 demo connectors, distinct seeds, small volumes, short windows, two dimensions
   * (the cross product with channel would triple the samples without adding a kind of series).
   */
  private String config(Path state) {
    StringBuilder b = new StringBuilder();
    b.append("state: {path: \"").append(state).append("\"}\n");
    b.append(
        """
        kpi:
          windows: [1h, 24h]
          dimensions: [group, priority]
          business_hours:
            timezone: Europe/Ljubljana
            week: {mon: "08:00-17:00", tue: "08:00-17:00", wed: "08:00-17:00", thu: "08:00-17:00", fri: "08:00-17:00"}
          sla_risk_horizon: 1h
          sla:
            - {priority: urgent, first_response: 1h, resolution: 9h, hours: business}
            - {priority: high, first_response: 2h, resolution: 18h, hours: business}
            - {priority: normal, first_response: 4h, resolution: 27h, hours: business}
            - {priority: low, first_response: 8h, resolution: 45h, hours: business}
          targets:
            - {kpi: csat_ratio, window: 24h, min: 0.85}
            - {kpi: first_response_seconds, stat: p90, window: 24h, max: 7200}
            - {kpi: tickets_open, max: 400}
        connectors:
        """);
    for (int i = 0; i < CONNECTORS; i++) {
      b.append(
          String.format(
              "  - {name: demo-%02d, type: demo, poll_interval: 1h, backfill: 1d,"
                  + " tickets_per_day: %d, seed: %d}%n",
              i, 10 + i, 1000 + 7 * i));
    }
    return b.toString();
  }

  private Child start(String name, List<String> flags) throws IOException {
    Path home = dir.resolve(name);
    Files.createDirectories(home);
    Path config = home.resolve("cx.yml");
    Files.writeString(config, config(home.resolve("state")));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // small, quick JVMs: four of them share a small CI machine
    cmd.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dcx.clock.fixed=" + FIXED));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("--config.file=" + config);
    cmd.add("--web.listen-address=127.0.0.1:0");
    cmd.add("--log.format=json");
    cmd.addAll(flags);
    Path log = home.resolve("stderr.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Child c = new Child(name, p, log);
    children.add(c);
    return c;
  }

  /** The port the child logged it listens on. */
  private static int port(Child c) {
    int[] port = {-1};
    await(c.name() + " listening")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!c.process().isAlive()) {
                throw new AssertionError(c.name() + " exited: " + Files.readString(c.log()));
              }
              Matcher m = LISTENING.matcher(Files.readString(c.log()));
              if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
              }
              return port[0] > 0;
            });
    return port[0];
  }

  /**
   * The per-source samples of a child once it has caught up: ready, every stream of every expected
   * source backfilled, and two scrapes a refresh apart the same (the KPI snapshot is recomputed
   * within a second of the last page).
   */
  private static Map<String, String> settled(Child c, int port, List<String> expected) {
    Map<String, String> last = new HashMap<>();
    await(c.name() + " caught up")
        .atMost(Duration.ofSeconds(120)) // generous for a loaded CI machine; ~60 s at load 20
        .pollInterval(Duration.ofMillis(1500))
        .until(
            () -> {
              if (!c.process().isAlive()) {
                throw new AssertionError(c.name() + " exited: " + Files.readString(c.log()));
              }
              if (Http.get(port, "/-/ready").statusCode() != 200) {
                return false;
              }
              String text = Http.get(port, "/metrics").body();
              long done =
                  text.lines()
                      .filter(l -> l.startsWith("cx_connector_backfill_progress_ratio{"))
                      .filter(l -> l.endsWith(" 1.0"))
                      .count();
              if (done != 5L * expected.size()) {
                return false;
              }
              Map<String, String> now = perSource(text);
              boolean stable = now.equals(last);
              last.clear();
              last.putAll(now);
              return stable;
            });
    return last;
  }

  /**
   * Every sample with a {@code source} label and those of {@link #CONFIG_WIDE}, by name and labels;
   * fails on a family without one that is in neither list.
   */
  static Map<String, String> perSource(String text) {
    Map<String, String> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String key = line.substring(0, space);
      String value = line.substring(space + 1);
      String family = key.replaceFirst("\\{.*", "");
      if (SOURCE.matcher(key).find() || CONFIG_WIDE.contains(family)) {
        out.put(key, value);
        continue;
      }
      if (family.startsWith("jvm_") || family.startsWith("process_")) {
        continue;
      }
      String base = family.replaceFirst("_(bucket|count|sum|created)$", "");
      if (!PER_PROCESS.contains(family) && !PER_PROCESS.contains(base)) {
        throw new AssertionError(
            family + " has no source label and is not listed as per-process: " + line);
      }
    }
    return out;
  }
}
