package io.cxexporter.bench;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.zendesk.ZendeskConnectorFactory;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.Transition;
import io.cxexporter.store.Change;
import io.cxexporter.store.Store;
import io.cxexporter.store.StreamState;
import io.cxexporter.testing.TestConnectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the real Zendesk connector through the real {@link Store#apply} and {@link
 * KpiEngine#apply}, page by page, the way {@code StreamRunner.syncOnce} does (read the stored
 * cursor, read a page, commit it with its cursor, feed the changes to the KPI engine, until caught
 * up), timing each step. Also hands a filled state folder from the ingest benchmark to the start-up
 * benchmark.
 */
final class ZendeskIngest {
  /** The connector's name: the {@code source} records and cursors are stored under. */
  static final String SOURCE = "zd";

  static final int PER_PAGE = 1000;

  /**
   * The connector's maximum; a backfill of up to 1000 pages (1M tickets) within a minute never
   * waits for it.
   */
  static final int EXPORTS_PER_MINUTE = 1000;

  private ZendeskIngest() {}

  /** The Zendesk connector pointed at {@code baseUrl}, built from a config block. */
  static Connector connector(String baseUrl, Clock clock, RequestListener listener) {
    return TestConnectors.of(new ZendeskConnectorFactory())
        .with("name", SOURCE)
        .with("base_url", baseUrl)
        .with("auth", Map.of("email", "ops@acme.example", "token", "bench-token"))
        .with("per_page", PER_PAGE)
        .with("export_requests_per_minute", EXPORTS_PER_MINUTE)
        .build(new ConnectorContext(clock, listener));
  }

  /** Where the time of an ingest went. */
  static final class Timing implements RequestListener {
    long nanos;
    long processCpuNanos;
    long threadCpuNanos;
    String loadBefore = "";
    long readNanos;
    long storeNanos;
    long kpiNanos;
    long pages;
    long records;
    long changes;
    long transitions;
    final AtomicLong httpNanos = new AtomicLong();
    final AtomicLong requests = new AtomicLong();

    @Override
    public void onRequest(String endpoint, String code, Duration latency) {
      httpNanos.addAndGet(latency.toNanos());
      requests.incrementAndGet();
    }

    @Override
    public void onRateLimitRemaining(double remaining) {}

    /** The flat keys, each prefixed. */
    Map<String, Object> keys(String prefix) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(prefix + "total_ms", ms(nanos));
      m.put(prefix + "read_ms", ms(readNanos));
      m.put(prefix + "http_ms", ms(httpNanos.get()));
      m.put(prefix + "parse_map_ms", ms(readNanos - httpNanos.get()));
      m.put(prefix + "store_ms", ms(storeNanos));
      m.put(prefix + "kpi_ms", ms(kpiNanos));
      m.put(prefix + "other_ms", ms(nanos - readNanos - storeNanos - kpiNanos));
      m.put(prefix + "thread_cpu_ms", ms(threadCpuNanos));
      m.put(prefix + "process_cpu_ms", ms(processCpuNanos));
      m.put(prefix + "loadavg_before", loadBefore);
      return m;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d records in %.1f s: read %.1f s (http %.1f s), store %.1f s, kpi %.1f s",
          records,
          nanos / 1e9,
          readNanos / 1e9,
          httpNanos.get() / 1e9,
          storeNanos / 1e9,
          kpiNanos / 1e9);
    }
  }

  static long ms(long nanos) {
    return Math.round(nanos / 1e6);
  }

  /**
   * Reads every stream of {@code c} until it is caught up, committing each page to {@code store}
   * and, unless {@code kpi} is null, applying its changes to the KPI engine.
   *
   * @throws IllegalStateException when a page cannot be read
   */
  static void run(Connector c, Store store, KpiEngine kpi, Timing t) {
    t.loadBefore = loadAverage();
    long cpu0 = processCpu();
    long thread0 = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long lastLog = start;
    for (Stream s : c.streams()) {
      while (true) {
        StreamState st = store.state(c.name(), s.name());
        boolean live = st.backfillDone();
        long t0 = System.nanoTime();
        Page page;
        try {
          page = s.read(st.cursor());
        } catch (ConnectorException e) {
          throw new IllegalStateException(s.name() + ": " + e.getMessage(), e);
        }
        long t1 = System.nanoTime();
        List<Change> changes =
            store.apply(c.name(), s.name(), page.records(), page.next(), page.caughtUp());
        long t2 = System.nanoTime();
        if (kpi != null) {
          List<Transition> tr = kpi.apply(c.name(), changes, live);
          t.transitions += tr.size();
        }
        long t3 = System.nanoTime();
        t.readNanos += t1 - t0;
        t.storeNanos += t2 - t1;
        t.kpiNanos += t3 - t2;
        t.pages++;
        t.records += page.records().size();
        t.changes += changes.size();
        if (t3 - lastLog > 10_000_000_000L) {
          lastLog = t3;
          System.err.printf(
              Locale.ROOT,
              "   %s/%s: %d records, %.0f/s%n",
              c.name(),
              s.name(),
              t.records,
              t.records / ((t3 - start) / 1e9));
        }
        if (page.caughtUp()) {
          break;
        }
      }
    }
    t.nanos += System.nanoTime() - start;
    t.threadCpuNanos += THREADS.getCurrentThreadCpuTime() - thread0;
    t.processCpuNanos += processCpu() - cpu0;
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** CPU time of this whole process (every thread: the stand-in vendor's and GC's too). */
  static long processCpu() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /** The machine's 1/5/15-minute load, to judge how noisy a run was (other work on the box). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The bytes of every file in {@code dir} (cx.db and its -wal / -shm when present). */
  static long folderBytes(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      long sum = 0;
      for (Path p : s.toList()) {
        sum += Files.size(p);
      }
      return sum;
    }
  }

  // ---- a filled state folder handed from IngestBench to StartupBench

  private static Path handedState;
  private static long handedTickets;

  /** Keeps a closed state folder of {@code tickets} tickets for {@link #takeState}. */
  static synchronized void offerState(Path stateDir, long tickets) throws IOException {
    discardState();
    Path keep = Files.createTempDirectory("cx-bench-state");
    Files.move(stateDir, keep.resolve("state"));
    handedState = keep.resolve("state");
    handedTickets = tickets;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    discardState();
                  } catch (IOException e) {
                    // temp folder: left behind
                  }
                }));
  }

  /** The folder offered for exactly {@code tickets} tickets, moved to {@code to}; else false. */
  static synchronized boolean takeState(long tickets, Path to) throws IOException {
    if (handedState == null || handedTickets != tickets) {
      return false;
    }
    Files.move(handedState, to);
    Files.deleteIfExists(handedState.getParent());
    handedState = null;
    return true;
  }

  private static synchronized void discardState() throws IOException {
    if (handedState != null && Files.exists(handedState.getParent())) {
      BenchMain.deleteTree(handedState.getParent());
    }
    handedState = null;
  }
}
