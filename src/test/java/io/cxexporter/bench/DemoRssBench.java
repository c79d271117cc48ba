package io.cxexporter.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built-in demo's footprint (issue 18's lean default heap): {@code io.cxexporter.app.Main}
 * without {@code --config.file} (the demo config, its own state folder) in two fresh JVMs started
 * together, one with the launcher's default flags ({@link ScaleBench#launcherFlags()}) and one with
 * the JVM's own defaults (what {@code ./cx-exporter} used before it had defaults). For each:
 *
 * <ul>
 *   <li>{@code demo_rss_mib} ({@code demo_rss_mib_jvm_defaults}): {@code VmRSS} of {@code
 *       /proc/<pid>/status} after catch-up plus {@value #SETTLE_S} s of live running (scrapes of
 *       {@code /metrics} every 15 s meanwhile, as Prometheus would), before anything forces a GC;
 *   <li>{@code demo_rss_mib_caught_up}: the same right after the demo's backfill caught up;
 *   <li>{@code demo_heap_mib}: used heap after {@code jcmd GC.run} (twice), at the end.
 * </ul>
 */
public final class DemoRssBench implements Benchmark {
  private static final int SETTLE_S = 120;

  @Override
  public String name() {
    return "demo_rss";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> lean = ScaleBench.launcherFlags();
    out.put("demo_rss_jvm_flags", String.join(" ", lean));
    out.put("demo_rss_loadavg_before", ZendeskIngest.loadAverage());
    Child a = new Child(work.resolve("launcher"), lean, "");
    Child b = new Child(work.resolve("defaults"), new ArrayList<>(), "_jvm_defaults");
    try {
      for (Child c : List.of(a, b)) {
        c.awaitCaughtUp();
        out.put(
            "demo_rss_mib_caught_up" + c.suffix, ScaleBench.procStatus(c.pid(), "VmRSS") / 1024);
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_S);
      while (System.nanoTime() < end) {
        for (Child c : List.of(a, b)) {
          get(c.port, "/metrics");
        }
        Thread.sleep(15_000);
      }
      for (Child c : List.of(a, b)) {
        out.put("demo_rss_mib" + c.suffix, ScaleBench.procStatus(c.pid(), "VmRSS") / 1024);
      }
      for (Child c : List.of(a, b)) {
        out.put("demo_heap_mib" + c.suffix, ScaleBench.memory(c.pid())[0]);
      }
    } finally {
      a.close();
      b.close();
    }
    out.put("demo_rss_loadavg_after", ZendeskIngest.loadAverage());
    out.put(
        "demo_rss_note",
        "the built-in demo in two JVMs started together (launcher flags; JVM defaults): VmRSS"
            + " after catch-up and after "
            + SETTLE_S
            + " s more with a scrape every 15 s; heap: used after jcmd GC.run at the end");
    return out;
  }

  /** A demo process of its own: its folder (state in ./cx-data), port and log. */
  private static final class Child implements AutoCloseable {
    final String suffix;
    final int port;
    final Process process;

    Child(Path dir, List<String> flags, String suffix) throws IOException {
      this.suffix = suffix;
      Files.createDirectories(dir);
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      List<String> cmd =
          ChildJvm.command(
              flags, "io.cxexporter.app.Main", List.of("--web.listen-address=127.0.0.1:" + port));
      process =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("demo.log").toFile())
              .start();
    }

    long pid() {
      return process.pid();
    }

    /** Ready, and every stream's first pass done (its sync duration exists). */
    void awaitCaughtUp() throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (true) {
        String m = get(port, "/metrics?name%5B%5D=cx_connector_backfill_progress_ratio");
        String d = get(port, "/metrics?name%5B%5D=cx_connector_sync_duration_seconds");
        if (get(port, "/-/ready") != null && m != null && d != null) {
          long streams = m.lines().filter(l -> l.startsWith("cx_")).count();
          long synced = d.lines().filter(l -> l.startsWith("cx_")).count();
          if (streams > 0 && synced == streams) {
            System.err.printf(Locale.ROOT, "   demo%s caught up%n", suffix);
            return;
          }
        }
        if (!process.isAlive() || System.nanoTime() > end) {
          throw new IllegalStateException("the demo" + suffix + " did not catch up");
        }
        Thread.sleep(200);
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String get(int port, String path) {
    return ChildJvm.get(port, path, 30_000);
  }
}
