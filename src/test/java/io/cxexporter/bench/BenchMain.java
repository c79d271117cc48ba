package io.cxexporter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every benchmark, writes {@code bench/results/latest.json} (flat keys, plus machine, JVM
 * flags and date) and prints a table with the goals. Started by {@code bench/run.sh}.
 *
 * <pre>{@code
 * java -cp ... io.cxexporter.bench.BenchMain [--quick] [--only name,name] [--out file]
 * }</pre>
 */
public final class BenchMain {
  /** The goals from the issue: key → {@code <= x} or {@code >= x}; others are recorded only. */
  static final Map<String, String> GOALS = new LinkedHashMap<>();

  static {
    GOALS.put("ingest_tickets_per_s", ">= 20000");
    GOALS.put("kpi_refresh_ms_1m_tickets", "<= 1000");
    GOALS.put("kpi_incremental_refresh_ms_after_page", "<= 10");
    GOALS.put("scrape_p99_ms_10k_series", "<= 20");
    GOALS.put("scrape_ratio_vs_client_java_httpserver", "<= 1.5");
    GOALS.put("heap_bytes_per_open_ticket", "<= 1024");
    GOALS.put("api_requests_ratio_vs_minimum", "<= 1.05");
    GOALS.put("startup_s_to_ready_with_state_1m", "<= 10");
    GOALS.put("scrape_200_concurrent_errors_n", "<= 0");
    GOALS.put("slowloris_scrape_ms_500_half_open", "<= 1000");
    GOALS.put("slowloris_scrape_ms_5000_half_open", "<= 1000");
    GOALS.put("history_s_30d_5m_1m_tickets", "<= 60");
    GOALS.put("scale_heap_mib_1000_connectors", "<= 1024");
    GOALS.put("scale_threads_1000_connectors", "<= 64");
    GOALS.put("scale_startup_s_1000_connectors", "<= 30");
    GOALS.put("scale_refresh_ms_1000_connectors", "<= 1000");
  }

  private BenchMain() {}

  /**
   * A size as a key names it: {@code 1m} for 1,000,000, {@code 200k} for 200,000, else the number.
   * A quick run's key then says the size it measured, never the full run's {@code _1m_}.
   */
  static String size(long n) {
    if (n % 1_000_000 == 0) {
      return n / 1_000_000 + "m";
    }
    if (n % 1_000 == 0) {
      return n / 1_000 + "k";
    }
    return Long.toString(n);
  }

  static List<Benchmark> all() {
    List<Benchmark> out = new ArrayList<>();
    for (String cls :
        List.of(
            "io.cxexporter.bench.IngestBench",
            "io.cxexporter.bench.KpiRefreshBench",
            "io.cxexporter.bench.HeapBench",
            "io.cxexporter.bench.ScrapeBench",
            "io.cxexporter.bench.StartupBench",
            "io.cxexporter.bench.HistoryBench",
            "io.cxexporter.bench.FaultsBench",
            "io.cxexporter.bench.LoadBench",
            "io.cxexporter.bench.HugeResponseBench",
            "io.cxexporter.bench.ScaleBench",
            "io.cxexporter.bench.DemoRssBench")) {
      try {
        out.add((Benchmark) Class.forName(cls).getDeclaredConstructor().newInstance());
      } catch (ReflectiveOperationException e) {
        System.err.println("skipping " + cls + ": " + e);
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    List<String> only = null;
    Path out = Path.of("bench/results/latest.json");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> only = List.of(args[++i].split(","));
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("date", Instant.now().toString());
    results.put("mode", quick ? "quick" : "full");
    results.put("machine", machine());
    results.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
    results.put(
        "jvm_flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    Path work = Files.createTempDirectory("cx-bench");
    long t0 = System.nanoTime();
    for (Benchmark b : all()) {
      if (only != null && !only.contains(b.name())) {
        continue;
      }
      System.err.printf(Locale.ROOT, "== %s%n", b.name());
      long s = System.nanoTime();
      Path dir = Files.createDirectories(work.resolve(b.name()));
      results.putAll(b.run(quick, dir));
      System.err.printf(Locale.ROOT, "   %.1f s%n", (System.nanoTime() - s) / 1e9);
      deleteTree(dir);
    }
    results.put("harness_seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
    System.out.println(table(results));
  }

  static String machine() {
    long mem = 0;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          mem = Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024;
        }
      }
    } catch (Exception e) {
      // not Linux: leave it out
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + (mem > 0 ? mem + " GiB, " : "")
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version");
  }

  /** The results as a Markdown table: key, value, goal, met. */
  static String table(Map<String, Object> results) {
    StringBuilder b = new StringBuilder("| key | value | goal | met |\n|---|---|---|---|\n");
    for (var e : results.entrySet()) {
      String goal = GOALS.getOrDefault(e.getKey(), "");
      String met = "";
      if (!goal.isEmpty() && e.getValue() instanceof Number n) {
        double limit = Double.parseDouble(goal.substring(3));
        met = goal.startsWith("<=") ? yes(n.doubleValue() <= limit) : yes(n.doubleValue() >= limit);
      }
      b.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(e.getValue())
          .append(" | ")
          .append(goal)
          .append(" | ")
          .append(met)
          .append(" |\n");
    }
    return b.toString();
  }

  private static String yes(boolean ok) {
    return ok ? "yes" : "NO";
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
