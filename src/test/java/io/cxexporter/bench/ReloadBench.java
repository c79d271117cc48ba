package io.cxexporter.bench;

import io.cxexporter.app.App;
import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.config.ServerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Threads and live heap of the built-in demo before and after 50 reloads (issue 16, Lifecycle): the
 * demo backfills, then is reloaded 50 times with its unchanged config; threads are counted ({@link
 * Thread#activeCount()}) and the live heap measured ({@code used} after full GCs) before and after.
 * Started by {@code bench/reload.sh}; prints one line per figure.
 */
public final class ReloadBench {
  private ReloadBench() {}

  public static void main(String[] args) throws Exception {
    int reloads = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    Path state = Files.createTempDirectory("cx-reload-bench");
    App.Overrides local =
        c ->
            new ExporterConfig(
                c.origin(),
                new ServerConfig(
                    "127.0.0.1",
                    0,
                    c.server().basicAuth(),
                    c.server().bearerToken(),
                    c.server().tls()),
                state,
                c.kpi(),
                c.connectors(),
                c.alerting(),
                c.onCorruption(),
                c.shutdownTimeout());
    ConfigLoader loader = ConfigLoader.standard();
    try (App app =
        App.start(
            local.apply(loader.loadBuiltInDemo()),
            loader,
            null,
            local,
            new PrometheusRegistry(),
            Clock.systemUTC())) {
      long t0 = System.nanoTime();
      while (!app.ready() || app.streams().stream().anyMatch(s -> !s.backfillDone())) {
        Thread.sleep(100);
      }
      System.out.printf("demo backfilled in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      Thread.sleep(2000); // let the first snapshot and lazily started pools settle
      int threadsBefore = Thread.activeCount();
      long heapBefore = HeapBench.liveHeap();
      long r0 = System.nanoTime();
      for (int i = 0; i < reloads; i++) {
        if (app.reload() != null) {
          throw new IllegalStateException("reload " + i + " failed");
        }
      }
      long reloadMs = (System.nanoTime() - r0) / 1_000_000;
      Thread.sleep(2000);
      int threadsAfter = Thread.activeCount();
      long heapAfter = HeapBench.liveHeap();
      System.out.printf(
          "reloads: %d in %d ms (%.0f ms each)%n", reloads, reloadMs, reloadMs / (double) reloads);
      System.out.printf("threads before/after: %d / %d%n", threadsBefore, threadsAfter);
      System.out.printf(
          "live heap before/after (MiB): %.1f / %.1f%n",
          heapBefore / 1048576.0, heapAfter / 1048576.0);
    }
  }
}
