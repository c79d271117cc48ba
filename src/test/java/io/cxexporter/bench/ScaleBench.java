package io.cxexporter.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One process, a thousand connectors (issue 18): {@value #CONNECTORS} demo connectors ({@code
 * tickets_per_day: 20}, {@code kpi.dimensions: []}, windows {@code [24h, 7d]}, the demo's default
 * 30-day backfill and 60 s poll) in a fresh JVM ({@code io.cxexporter.app.Main}) started with the
 * launcher's default JVM flags ({@link #launcherFlags()}, read from {@code ./cx-exporter}), as a
 * user who runs {@code ./cx-exporter} gets them.
 *
 * <p>First run: every connector backfills ({@code scale_backfill_s_*}), then heap and RSS are read.
 * Then SIGTERM, and a second start on the state the first run wrote, which is what the goals are
 * about:
 *
 * <ul>
 *   <li>{@code scale_startup_s_1000_connectors}: from starting the process until {@code /-/ready}
 *       answers 200 <em>and</em> every stream of every connector has caught up since the start: its
 *       {@code cx_connector_sync_duration_seconds{source,stream}} exists, which the sync engine
 *       sets only when a pass read until caught up (so one series per stream, counted after the
 *       first run, means all caught up). {@code scale_restart_ready_s} is {@code /-/ready} alone.
 *   <li>{@code scale_heap_mib_1000_connectors}: used heap after a full GC, once every connector
 *       caught up: {@code jcmd <pid> GC.run} twice, then the sum of the generations' {@code used}
 *       in {@code jcmd <pid> GC.heap_info}. The child gets {@code -XX:MarkSweepDeadRatio=0} on top
 *       of the launcher's flags, so that the serial collector's full GC compacts everything (by
 *       default it may leave 5 % of the old generation as unmoved dead objects, counted as used).
 *       {@code scale_rss_mib_*}: {@code VmRSS} from {@code /proc/<pid>/status} at the same moment
 *       (after that GC).
 *   <li>{@code scale_threads_1000_connectors}: {@code jvm_threads_current} on {@code /metrics} (the
 *       JVM's live Java threads); {@code scale_threads_peak_*} is {@code jvm_threads_peak} and
 *       {@code scale_os_threads_*} the kernel's count ({@code Threads:} in {@code
 *       /proc/<pid>/status}: GC and JIT threads too).
 *   <li>{@code scale_refresh_ms_1000_connectors}: the exporter's own {@code
 *       cx_snapshot_refresh_duration_seconds} (one {@code KpiPublisher.refresh()}: SLA tick,
 *       compute over every source, conversion to client_java snapshots), the median of the distinct
 *       values seen over {@value #REFRESH_SAMPLES} refreshes after catch-up ({@code _max} beside
 *       it).
 *   <li>{@code scale_metrics_series_*} and {@code scale_metrics_bytes_*}: one {@code GET /metrics}
 *       (text format, no compression): its sample lines and body bytes.
 * </ul>
 */
public final class ScaleBench implements Benchmark {
  static final int CONNECTORS = Integer.getInteger("cx.bench.scale.connectors", 1000);
  private static final int REFRESH_SAMPLES = 10;

  @Override
  public String name() {
    return "scale";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    String n = CONNECTORS + "_connectors";
    int port = freePort();
    Path config = work.resolve("cx.yml");
    Files.writeString(config, config(port, work.resolve("state"), CONNECTORS));
    List<String> flags = launcherFlags();
    // Serial's full GC leaves up to 5 % of the old generation as dead objects it does not move
    // (filler arrays that GC.heap_info counts as used); none here, so used is what is live
    flags.add("-XX:MarkSweepDeadRatio=0");
    // diagnostics only (a flight recording, GC logs; several separated by ";"): never in a recorded
    // figure's flags
    String extra = System.getProperty("cx.bench.scale.child_opts", "").trim();
    if (!extra.isEmpty()) {
      flags.addAll(Arrays.asList(extra.split("[\\s;]+")));
    }
    out.put("scale_connectors_n", CONNECTORS);
    out.put("scale_jvm_flags", String.join(" ", flags));
    out.put("scale_loadavg_before", ZendeskIngest.loadAverage());

    // diagnostics only: -Dcx.bench.scale.state=DIR restarts on the state a former run saved
    // there (its backfill figures are then not measured), or saves this run's state there
    String saved = System.getProperty("cx.bench.scale.state", "");
    Path savedState = saved.isEmpty() ? null : Path.of(saved);
    long t0;
    Process p;
    int streams;
    if (savedState != null && Files.isDirectory(savedState)) {
      copyTree(savedState, work.resolve("state"));
      streams = CONNECTORS * 5;
      out.put("scale_saved_state", saved);
    } else {
      // first run: the backfill
      t0 = System.nanoTime();
      p = start(flags, config, work.resolve("first.log"));
      try {
        awaitReady(port, p, t0);
        streams = awaitBackfilled(port, p);
        out.put("scale_backfill_s_" + n, seconds(t0));
        out.put("scale_backfill_cpu_s_" + n, cpuSeconds(p.pid()));
        out.put("scale_streams_n", streams);
        long[] mem = memory(p.pid());
        out.put("scale_heap_mib_after_backfill_" + n, mem[0]);
        out.put("scale_rss_mib_after_backfill_" + n, mem[1]);
      } finally {
        stop(p);
      }
      out.put("scale_state_bytes", ZendeskIngest.folderBytes(work.resolve("state")));
      if (savedState != null) {
        copyTree(work.resolve("state"), savedState);
      }
    }

    // second run: a restart on the state the first wrote
    Thread.sleep(2000);
    out.put("scale_loadavg_before_restart", ZendeskIngest.loadAverage());
    t0 = System.nanoTime();
    p = start(flags, config, work.resolve("second.log"));
    try {
      out.put("scale_restart_ready_s", awaitReady(port, p, t0));
      out.put("scale_restart_ready_cpu_s", cpuSeconds(p.pid()));
      awaitCaughtUp(port, p, streams, t0);
      out.put("scale_startup_s_" + n, seconds(t0));
      out.put("scale_startup_cpu_s_" + n, cpuSeconds(p.pid()));
      System.err.printf(
          Locale.ROOT, "   restarted and caught up after %.2f s%n", (double) seconds(t0));
      // diagnostics: the restart's first log lines (their timestamps show where start-up goes)
      Files.readString(work.resolve("second.log"))
          .lines()
          .limit(Integer.getInteger("cx.bench.scale.log_lines", 0))
          .forEach(l -> System.err.println("   | " + l));
      Matcher loaded =
          Pattern.compile("loaded (\\d+) stored records in (\\d+) ms")
              .matcher(Files.readString(work.resolve("second.log")));
      if (loaded.find()) {
        out.put("scale_restart_records_n", Long.parseLong(loaded.group(1)));
        out.put("scale_restart_load_ms", Long.parseLong(loaded.group(2)));
      }
      double[] refresh = refreshes(port, p);
      out.put("scale_refresh_ms_" + n, round1(median(refresh)));
      out.put("scale_refresh_ms_max", round1(refresh[refresh.length - 1]));
      String threads =
          get(port, "/metrics?name%5B%5D=jvm_threads_current&name%5B%5D=jvm_threads_peak");
      out.put("scale_threads_" + n, Math.round(value(threads, "jvm_threads_current")));
      out.put("scale_threads_peak_" + n, Math.round(value(threads, "jvm_threads_peak")));
      out.put("scale_os_threads_" + n, procStatus(p.pid(), "Threads"));
      String metrics = get(port, "/metrics");
      out.put("scale_metrics_series_" + n, metrics.lines().filter(l -> !l.startsWith("#")).count());
      out.put("scale_metrics_bytes_" + n, metrics.getBytes(StandardCharsets.UTF_8).length);
      metrics = null;
      long[] mem = memory(p.pid());
      out.put("scale_heap_mib_" + n, mem[0]);
      out.put("scale_rss_mib_" + n, mem[1]);
      out.put("scale_loadavg_after", ZendeskIngest.loadAverage());
    } finally {
      stop(p);
    }
    out.put(
        "scale_note",
        "launcher flags plus -XX:MarkSweepDeadRatio=0; heap: used after jcmd GC.run (twice),"
            + " from GC.heap_info; rss: VmRSS then; threads:"
            + " jvm_threads_current; startup: process start to /-/ready and every stream's"
            + " cx_connector_sync_duration_seconds present (a pass caught up since the start);"
            + " refresh: median cx_snapshot_refresh_duration_seconds; all after the restart");
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The bench's config: {@code n} demo connectors, each its own seed. */
  static String config(int port, Path state, int n) {
    StringBuilder b =
        new StringBuilder()
            .append("server: {listen_address: \"127.0.0.1:")
            .append(port)
            .append("\"}\nstate: {path: \"")
            .append(state)
            .append("\"}\nkpi:\n  windows: [24h, 7d]\n  dimensions: []\nconnectors:\n");
    for (int i = 0; i < n; i++) {
      b.append(String.format(Locale.ROOT, "  - {name: demo%04d, type: demo,", i))
          .append(" tickets_per_day: 20, seed: ")
          .append(i)
          .append("}\n");
    }
    return b.toString();
  }

  private static final Pattern DEFAULT_OPTS =
      Pattern.compile("(?m)^default_java_opts=\"([^\"]*)\"");

  /**
   * The JVM flags {@code ./cx-exporter} starts the exporter with when {@code JAVA_OPTS} is unset
   * (its {@code default_java_opts}); none when the launcher has no such line.
   */
  static List<String> launcherFlags() throws IOException {
    Matcher m = DEFAULT_OPTS.matcher(Files.readString(Path.of("cx-exporter")));
    if (!m.find() || m.group(1).isBlank()) {
      return new ArrayList<>();
    }
    return new ArrayList<>(Arrays.asList(m.group(1).trim().split("\\s+")));
  }

  private static Process start(List<String> flags, Path config, Path log) throws IOException {
    List<String> cmd =
        ChildJvm.command(flags, "io.cxexporter.app.Main", List.of("--config.file=" + config));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: the exporter checkpoints its state and exits
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  private static double awaitReady(int port, Process p, long t0) throws Exception {
    poll("/-/ready", p, 600, () -> get(port, "/-/ready") != null);
    double s = seconds(t0);
    System.err.printf(Locale.ROOT, "   ready after %.2f s%n", s);
    return s;
  }

  /**
   * Waits until every stream finished its backfill ({@code cx_connector_backfill_progress_ratio} 1)
   * and has a sync duration (a pass read until caught up); returns the number of streams.
   */
  private static int awaitBackfilled(int port, Process p) throws Exception {
    int[] streams = {0};
    poll(
        "every backfill",
        p,
        900,
        () -> {
          String m =
              get(
                  port,
                  "/metrics?name%5B%5D=cx_connector_backfill_progress_ratio"
                      + "&name%5B%5D=cx_connector_sync_duration_seconds");
          if (m == null) {
            return false;
          }
          long all = series(m, "cx_connector_backfill_progress_ratio{");
          long done =
              m.lines()
                  .filter(l -> l.startsWith("cx_connector_backfill_progress_ratio{"))
                  .filter(l -> l.endsWith(" 1.0"))
                  .count();
          long synced = series(m, "cx_connector_sync_duration_seconds{");
          streams[0] = (int) all;
          return all >= CONNECTORS && done == all && synced == all;
        });
    return streams[0];
  }

  /** Waits until every one of {@code streams} streams has a sync duration since this start. */
  private static void awaitCaughtUp(int port, Process p, int streams, long t0) throws Exception {
    poll(
        "every stream caught up",
        p,
        600,
        () -> {
          String m = get(port, "/metrics?name%5B%5D=cx_connector_sync_duration_seconds");
          return m != null && series(m, "cx_connector_sync_duration_seconds{") == streams;
        });
  }

  /** Distinct refresh durations (ms) over {@value #REFRESH_SAMPLES} refreshes, sorted. */
  private static double[] refreshes(int port, Process p) throws Exception {
    List<Double> seen = new ArrayList<>();
    double[] lastAt = {Double.NaN};
    poll(
        REFRESH_SAMPLES + " KPI refreshes",
        p,
        300,
        () -> {
          String m =
              get(
                  port,
                  "/metrics?name%5B%5D=cx_snapshot_refresh_duration_seconds"
                      + "&name%5B%5D=cx_snapshot_timestamp_seconds");
          if (m == null) {
            return false;
          }
          double at = value(m, "cx_snapshot_timestamp_seconds");
          if (at != lastAt[0]) {
            lastAt[0] = at;
            seen.add(value(m, "cx_snapshot_refresh_duration_seconds") * 1000);
          }
          return seen.size() > REFRESH_SAMPLES; // the first may predate the catch-up
        });
    return seen.subList(1, seen.size()).stream()
        .mapToDouble(Double::doubleValue)
        .sorted()
        .toArray();
  }

  /** {heap MiB used after a full GC, RSS MiB} of a running JVM. */
  static long[] memory(long pid) throws Exception {
    jcmd(pid, "GC.run");
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long kib = 0;
    Matcher m = Pattern.compile("\\bused (\\d+)K").matcher(info.split("Metaspace")[0]);
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
    }
    long rss = procStatus(pid, "VmRSS");
    System.err.printf(Locale.ROOT, "   heap used after full GC %,d KiB, RSS %,d KiB%n", kib, rss);
    if (Boolean.getBoolean("cx.bench.scale.histogram")) { // where the heap goes: the top classes
      jcmd(pid, "GC.class_histogram").lines().limit(33).forEach(System.err::println);
    }
    return new long[] {kib / 1024, rss / 1024};
  }

  static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + text);
    }
    return text;
  }

  /**
   * The CPU time (user and system, every thread) a process has used so far, seconds: on a shared
   * machine a start-up's wall time depends on the others, its CPU time much less.
   */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    return Math.round(ticks / 10.0) / 10.0; // USER_HZ is 100 on Linux
  }

  /** A number field of {@code /proc/<pid>/status} ({@code VmRSS} in KiB, {@code Threads}). */
  static long procStatus(long pid, String field) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private static long series(String metrics, String prefix) {
    return metrics.lines().filter(l -> l.startsWith(prefix)).count();
  }

  private static double value(String metrics, String name) {
    for (String l : metrics.split("\n")) {
      if (l.startsWith(name + " ")) {
        return Double.parseDouble(l.substring(name.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private interface Check {
    boolean done() throws Exception;
  }

  private static void poll(String what, Process p, int seconds, Check check) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.done()) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the exporter exited while waiting for " + what);
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("no " + what + " after " + seconds + " s");
      }
      Thread.sleep(200);
    }
  }

  private static String get(int port, String path) {
    return ChildJvm.get(port, path, 60_000);
  }

  private static double median(double[] sorted) {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }

  private static double seconds(long t0) {
    return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
