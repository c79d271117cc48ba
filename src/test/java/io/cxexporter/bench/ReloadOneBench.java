package io.cxexporter.bench;

import io.cxexporter.app.App;
import io.cxexporter.app.ConfigLoader;
import io.cxexporter.config.ServerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A reload that changes one connector of many (issue 18): the built-in demo's settings with {@code
 * n} demo connectors ({@code tickets_per_day: 20}, 30 days each, seeds 0..n-1) in the main file;
 * once every stream has backfilled, the middle connector's {@code poll_interval} is switched
 * between 15 s and 16 s and the config reloaded, {@code reloads} times. Prints each reload's time
 * and their median. Started by {@code bench/reload.sh --one-of n [reloads]}.
 */
public final class ReloadOneBench {
  private ReloadOneBench() {}

  public static void main(String[] args) throws Exception {
    int connectors = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int reloads = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path dir = Files.createTempDirectory("cx-reload-one-bench");
    Path file = dir.resolve("cx.yml");
    String demo = ConfigLoader.builtInDemoText();
    String head =
        demo.substring(0, demo.indexOf("\nconnectors:") + 1)
            .replace("path: ./cx-data", "path: \"" + dir.resolve("state") + "\"");
    int changed = connectors / 2;
    Files.writeString(file, config(head, connectors, changed, 15), StandardCharsets.UTF_8);
    App.Overrides local =
        c ->
            c.withServer(
                new ServerConfig(
                    "127.0.0.1",
                    0,
                    c.server().basicAuth(),
                    c.server().bearerToken(),
                    c.server().tls()));
    ConfigLoader loader = ConfigLoader.standard();
    try (App app =
        App.start(
            local.apply(loader.load(file)),
            loader,
            file,
            local,
            new PrometheusRegistry(),
            Clock.systemUTC())) {
      long t0 = System.nanoTime();
      while (!app.ready() || app.streams().stream().anyMatch(s -> !s.backfillDone())) {
        Thread.sleep(100);
      }
      System.out.printf(
          "%d demo connectors backfilled in %d ms%n",
          connectors, (System.nanoTime() - t0) / 1_000_000);
      Thread.sleep(2000); // let the first snapshot settle
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < reloads; i++) {
        Files.writeString(
            file, config(head, connectors, changed, i % 2 == 0 ? 16 : 15), StandardCharsets.UTF_8);
        long r0 = System.nanoTime();
        List<String> problems = app.reload();
        ms.add((System.nanoTime() - r0) / 1e6);
        if (problems != null) {
          throw new IllegalStateException("reload " + i + " failed: " + problems);
        }
      }
      System.out.printf(
          "reload times (ms): %s%n", ms.stream().map(m -> "%.0f".formatted(m)).toList());
      Collections.sort(ms);
      System.out.printf(
          "reload changing 1 of %d connectors: median %.0f ms (min %.0f, max %.0f) over %d%n",
          connectors, ms.get(ms.size() / 2), ms.get(0), ms.get(ms.size() - 1), reloads);
    }
  }

  private static String config(String head, int connectors, int changed, int poll) {
    StringBuilder sb = new StringBuilder(head).append("connectors:\n");
    for (int i = 0; i < connectors; i++) {
      sb.append(
          "  - {name: demo-%02d, type: demo, tickets_per_day: 20, seed: %d, poll_interval: %ds}\n"
              .formatted(i, i, i == changed ? poll : 15));
    }
    return sb.toString();
  }
}
