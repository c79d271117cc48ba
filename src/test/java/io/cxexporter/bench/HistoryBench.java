package io.cxexporter.bench;

import io.cxexporter.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code cx-exporter history} end to end (issue 17): a state file holding {@code n} tickets of
 * {@link KpiWorkload} and their survey answers, written through the real {@link Store} (pages of
 * 1,000 records per stream, as a backfill stores them), then the command in a fresh JVM ({@code
 * io.cxexporter.app.Main history}) over the 30 days before {@link KpiWorkload#NOW} at a 5-minute
 * step with the workload's KPI config, writing OpenMetrics into the work folder. The child's output
 * (its % and ETA progress) goes to this JVM's stderr.
 *
 * <p>Keys ({@code <size>} is {@link BenchMain#size} of {@code n}): {@code
 * history_s_30d_5m_<size>_tickets}, wall seconds from starting the child to its exit (JVM start,
 * reading the state file, computing every step, writing the file); {@code
 * history_bytes_30d_5m_<size>_tickets}, the file's size; samples, series, steps and records from
 * its last line; the child's peak RSS ({@code VmHWM}, read from {@code /proc} every second); its
 * JVM flags; and the time to build the state (not part of the command's time). The state and the
 * output (about 2 GB at 1M tickets) are deleted at the end.
 *
 * <p>{@code n} is 1,000,000 in both modes; {@code -Dcx.bench.history.tickets=N} overrides it.
 */
public final class HistoryBench implements Benchmark {
  static final String FROM = "30d";
  static final String STEP = "5m";

  private static final Pattern SUMMARY =
      Pattern.compile(
          "history: (\\d+) stored records, (\\d+) steps .*?, (\\d+) samples of (\\d+) series in"
              + " (\\d+) families, (\\d+) bytes");

  @Override
  public String name() {
    return "history";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    long n = Long.getLong("cx.bench.history.tickets", 1_000_000);
    String key = FROM + "_" + STEP + "_" + BenchMain.size(n) + "_tickets";
    Path state = work.resolve("state");
    Path file = work.resolve("history.om");
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      long t0 = System.nanoTime();
      KpiWorkload.Loaded loaded;
      try (Store store = Store.open(state, Clock.systemUTC())) {
        loaded = KpiWorkload.store(store, n);
      }
      double buildS = (System.nanoTime() - t0) / 1e9;
      long stateBytes = ZendeskIngest.folderBytes(state);
      System.err.printf(
          Locale.ROOT,
          "   state: %,d tickets (%,d open), %,d surveys stored in %.1f s, %,d bytes%n",
          loaded.tickets(),
          loaded.open(),
          loaded.surveys(),
          buildS,
          stateBytes);
      out.put("history_tickets_n", loaded.tickets());
      out.put("history_surveys_n", loaded.surveys());
      out.put("history_state_build_s", round2(buildS));
      out.put("history_state_bytes", stateBytes);

      Path config = work.resolve("cx.yml");
      Files.writeString(config, config(state));
      List<String> flags = ChildJvm.heapFlags();
      if (flags.stream().noneMatch(f -> f.startsWith("-Xmx"))) {
        flags.add("-Xmx2g");
      }
      List<String> cmd =
          ChildJvm.command(
              flags,
              "io.cxexporter.app.Main",
              List.of(
                  "history",
                  "--config.file=" + config,
                  "--from",
                  FROM,
                  "--until",
                  KpiWorkload.NOW.toString(),
                  "--step",
                  STEP,
                  "--label",
                  "job=cx-exporter",
                  "--label",
                  "instance=bench:9877",
                  "--out",
                  file.toString()));
      System.gc(); // this JVM idle while the child runs
      Thread.sleep(1000);
      String load0 = ZendeskIngest.loadAverage();
      long t1 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Tail tail = new Tail(p.getInputStream());
      tail.start();
      long peakKb = -1;
      while (!p.waitFor(1, TimeUnit.SECONDS)) {
        peakKb = Math.max(peakKb, peakRssKb(p.pid()));
      }
      double wallS = (System.nanoTime() - t1) / 1e9;
      tail.join();
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "history exited with " + p.exitValue() + ", its last lines:\n" + tail.lastLines(5));
      }
      System.err.printf(Locale.ROOT, "   history took %.1f s%n", wallS);
      out.put("history_s_" + key, round2(wallS));
      out.put("history_bytes_" + key, Files.size(file));
      Matcher m = SUMMARY.matcher(tail.text());
      if (m.find()) {
        out.put("history_records_n", Long.parseLong(m.group(1)));
        out.put("history_steps_n", Long.parseLong(m.group(2)));
        out.put("history_samples_n", Long.parseLong(m.group(3)));
        out.put("history_series_n", Long.parseLong(m.group(4)));
      }
      if (peakKb > 0) {
        out.put("history_child_max_rss_mb", Math.round(peakKb / 1024.0));
      }
      out.put("history_child_jvm_flags", String.join(" ", flags));
      out.put("history_loadavg_before", load0);
      return out;
    } finally {
      // the state, the output and, when the child failed, its spill folder: ~2 GB at 1M tickets
      try (Stream<Path> left = Files.list(work)) {
        for (Path f : left.toList()) {
          BenchMain.deleteTree(f);
        }
      }
    }
  }

  /** A config for the command: the state, a connector named as the records' source, the KPIs. */
  static String config(Path state) {
    // the same KPI settings as KpiWorkload.config()
    return "state: {path: \""
        + state
        + "\"}\n"
        + "kpi:\n"
        + "  windows: [1h, 24h, 7d, 30d]\n"
        + "  dimensions: [group, priority, channel]\n"
        + "  max_label_values: 50\n"
        + "  business_hours:\n"
        + "    timezone: UTC\n"
        + "    week: {mon: \"08:00-17:00\", tue: \"08:00-17:00\", wed: \"08:00-17:00\","
        + " thu: \"08:00-17:00\", fri: \"08:00-17:00\"}\n"
        + "  sla_risk_horizon: 1h\n"
        + "  sla:\n"
        + "    - {priority: urgent, first_response: 1h, resolution: 9h, hours: business}\n"
        + "    - {priority: high, first_response: 2h, resolution: 18h, hours: business}\n"
        + "    - {priority: normal, first_response: 4h, resolution: 27h, hours: business}\n"
        + "    - {priority: low, first_response: 8h, resolution: 45h, hours: business}\n"
        + "connectors:\n"
        + "  - name: "
        + KpiWorkload.SOURCE
        + "\n"
        + "    type: demo\n";
  }

  /** The peak resident set of a process ({@code VmHWM} in {@code /proc}), or -1. */
  private static long peakRssKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return -1;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Copies a child's output to this JVM's stderr as it comes, keeping its last characters. */
  private static final class Tail extends Thread {
    private static final int KEEP = 16_384;
    private final InputStream in;
    private final StringBuilder last = new StringBuilder();

    Tail(InputStream in) {
      super("history-child-output");
      setDaemon(true);
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try {
        for (int r; (r = in.read(buf)) > 0; ) {
          System.err.write(buf, 0, r);
          System.err.flush();
          synchronized (last) {
            last.append(new String(buf, 0, r, StandardCharsets.ISO_8859_1));
            if (last.length() > 2 * KEEP) {
              last.delete(0, last.length() - KEEP);
            }
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
    }

    /** The last {@code n} lines, a progress line rewritten with {@code \\r} counting as one. */
    String lastLines(int n) {
      List<String> lines = text().replace('\r', '\n').lines().filter(l -> !l.isBlank()).toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    String text() {
      synchronized (last) {
        return last.toString();
      }
    }
  }
}
