package io.cxexporter.bench;

import static org.awaitility.Awaitility.await;

import io.cxexporter.app.App;
import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.store.Store;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A restart with a filled state: the tickets of a Zendesk backfill in {@code cx.db} (the folder the
 * ingest benchmark left, or one filled here the same way), then the real exporter started on it
 * with its Zendesk connector pointed at a stand-in that answers the stored cursor with an empty,
 * caught-up page. Measures the seconds until {@code /-/ready} answers 200 (polled every 20 ms):
 *
 * <ul>
 *   <li>{@code startup_s_to_ready_with_state_1m} ({@code _200k} in quick mode): a fresh JVM ({@code
 *       io.cxexporter.app.Main} with this JVM's heap flags), which is what a restart is: JVM start,
 *       class loading and a cold JIT included; with its "loaded N stored records in X ms" and its
 *       GC pauses until ready;
 *   <li>{@code startup_in_process_s_to_ready}: {@link App#start} in this JVM, as tests start it
 *       (warm JIT, but a heap that just held a backfill).
 * </ul>
 */
public final class StartupBench implements Benchmark {
  private static final Pattern LOADED =
      Pattern.compile("loaded (\\d+) stored records in (\\d+) ms");

  @Override
  public String name() {
    return "startup";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    int n = quick ? 200_000 : 1_000_000;
    Map<String, Object> out = new LinkedHashMap<>();
    Clock clock = Clock.systemUTC();
    Path state = work.resolve("state");
    if (ZendeskIngest.takeState(n, state)) {
      System.err.printf(Locale.ROOT, "   using the ingest benchmark's state (%d tickets)%n", n);
    } else {
      fill(state, n, clock);
    }
    out.put("startup_tickets_n", n);
    out.put("startup_state_bytes", ZendeskIngest.folderBytes(state));
    try (ZendeskStub stub = ZendeskStub.caughtUp()) {
      int port = freePort();
      Path config = work.resolve("cx.yml");
      Files.writeString(
          config,
          "server: {listen_address: \"127.0.0.1:"
              + port
              + "\"}\nstate: {path: \""
              + state
              + "\"}\nconnectors:\n  - name: "
              + ZendeskIngest.SOURCE
              + "\n    type: zendesk\n    base_url: "
              + stub.baseUrl()
              + "\n    auth: {email: ops@acme.example, token: bench-token}\n"
              + "    per_page: 1000\n    export_requests_per_minute: "
              + ZendeskIngest.EXPORTS_PER_MINUTE
              + "\n");

      // a fresh JVM first, while this one is idle
      childProcess(config, port, work, stub, out);
      inProcess(config, port, out);
    }
    return out;
  }

  /** Fills {@code state} with {@code n} tickets through the connector and store (no KPIs). */
  private static void fill(Path state, int n, Clock clock) throws Exception {
    long t0 = System.nanoTime();
    ZendeskStub.Generated pages = ZendeskStub.generate(n, ZendeskIngest.PER_PAGE, clock.instant());
    try (ZendeskStub stub = ZendeskStub.serving(pages);
        Store store = Store.open(state, clock)) {
      ZendeskIngest.run(
          ZendeskIngest.connector(stub.baseUrl(), clock, RequestListener.NONE),
          store,
          null,
          new ZendeskIngest.Timing());
    }
    System.err.printf(
        Locale.ROOT,
        "   filled a state of %d tickets in %.1f s%n",
        n,
        (System.nanoTime() - t0) / 1e9);
  }

  /** {@link App#start} in this JVM, as {@code TestApps} does. */
  private static void inProcess(Path config, int port, Map<String, Object> out) throws Exception {
    System.gc();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8));
    App app = null;
    try {
      ConfigLoader loader = ConfigLoader.standard();
      long t0 = System.nanoTime();
      CompletableFuture<App> started =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  ExporterConfig c = loader.load(config);
                  return App.start(c, loader, config, new PrometheusRegistry(), Clock.systemUTC());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      double ready = awaitReady(port, t0, () -> started.isCompletedExceptionally());
      app = started.join();
      out.put("startup_in_process_s_to_ready", ready);
      loaded(log.toString(StandardCharsets.UTF_8), "startup_in_process_load_ms", out);
    } finally {
      System.setErr(err);
      if (app != null) {
        app.close();
      }
    }
  }

  /** {@code io.cxexporter.app.Main} in a fresh JVM with this JVM's heap flags. */
  private static void childProcess(
      Path config, int port, Path work, ZendeskStub stub, Map<String, Object> out)
      throws Exception {
    Path gcLog = work.resolve("child-gc.log");
    List<String> flags = ChildJvm.heapFlags();
    flags.add("-Xlog:gc:file=" + gcLog);
    List<String> cmd =
        ChildJvm.command(flags, "io.cxexporter.app.Main", List.of("--config.file=" + config));
    Path log = work.resolve("child.log");
    System.gc(); // this JVM idle while the other starts: no concurrent cycle left from a backfill
    Thread.sleep(1000);
    String load0 = ZendeskIngest.loadAverage();
    long cpu0 = ZendeskIngest.processCpu();
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      double ready = awaitReady(port, t0, () -> !p.isAlive());
      out.put(
          "startup_s_to_ready_with_state_"
              + BenchMain.size(((Number) out.get("startup_tickets_n")).longValue()),
          ready);
      out.put("startup_gc_pause_ms", gcPauses(gcLog, ready));
      out.put("startup_bench_jvm_cpu_ms", ZendeskIngest.ms(ZendeskIngest.processCpu() - cpu0));
      out.put("startup_loadavg_before", load0);
      // the first sync pass after the restart (one caught-up probe of the export, one read of
      // every other stream) and the connector check
      await("the first sync pass and the check after the restart")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  stub.requests(ZendeskStub.EXPORT) > 0
                      && stub.requests("/api/v2/users/me.json") > 0
                      && everyStreamReadOnce(port));
      out.put("startup_requests_after_restart", stub.requestCounts().toString());
    } finally {
      p.destroy();
      p.waitFor();
    }
    loaded(Files.readString(log), "startup_load_ms", out);
  }

  private static final Pattern GC_PAUSE =
      Pattern.compile("^\\[([0-9.]+)s\\].*Pause.* ([0-9.]+)ms$", Pattern.MULTILINE);

  /** The GC pause time ({@code -Xlog:gc}) within the first {@code seconds} of the JVM. */
  private static long gcPauses(Path gcLog, double seconds) throws IOException {
    if (!Files.exists(gcLog)) {
      return -1;
    }
    double sum = 0;
    Matcher m = GC_PAUSE.matcher(Files.readString(gcLog));
    while (m.find()) {
      if (Double.parseDouble(m.group(1)) <= seconds) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return Math.round(sum);
  }

  /** Seconds from {@code t0} until GET /-/ready answers 200, polled every 20 ms. */
  private static double awaitReady(int port, long t0, java.util.function.BooleanSupplier failed) {
    await("the exporter ready on /-/ready")
        .atMost(Duration.ofSeconds(300))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .pollInSameThread()
        .failFast("the exporter did not start", failed::getAsBoolean)
        .until(() -> get(port, "/-/ready") != null);
    double s = (System.nanoTime() - t0) / 1e9;
    System.err.printf(Locale.ROOT, "   ready after %.2f s%n", s);
    return Math.round(s * 100) / 100.0;
  }

  /** Whether every stream of the child has read a page since it started (a last-success time). */
  private static boolean everyStreamReadOnce(int port) {
    String metrics = get(port, "/metrics");
    return metrics != null
        && metrics.contains(
            "cx_connector_last_success_timestamp_seconds{source=\"" + ZendeskIngest.SOURCE + "\"}");
  }

  private static String get(int port, String path) {
    return ChildJvm.get(port, path, 5000);
  }

  private static void loaded(String log, String key, Map<String, Object> out) {
    Matcher m = LOADED.matcher(log);
    if (m.find()) {
      out.put(key, Long.parseLong(m.group(2)));
      out.put(key.replace("_ms", "_records"), Long.parseLong(m.group(1)));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int x) throws IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }
}
