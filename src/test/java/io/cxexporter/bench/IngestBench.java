package io.cxexporter.bench;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.store.Store;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.Configs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Zendesk backfill throughput, end to end: export pages of 1000 tickets with {@code metric_set}
 * from a stand-in Zendesk on loopback ({@link ZendeskStub}), read by the real connector (HTTP,
 * gzip, JSON, mapping, lookups), committed by the real {@link Store} and applied to the real {@link
 * KpiEngine}. Also counts the requests the backfill made against the minimum ({@code ceil(N /
 * 1000)} export pages) and the state's size per ticket.
 *
 * <p>A warm-up backfill of its own (another folder, through {@link SyncHarness}, checked against
 * the generated open count) runs first so the JIT has compiled the path.
 */
public final class IngestBench implements Benchmark {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    int n = quick ? 200_000 : 1_000_000;
    int warm = quick ? 40_000 : 100_000;
    Map<String, Object> out = new LinkedHashMap<>();
    Clock clock = Clock.systemUTC();

    warmUp(warm, work.resolve("warmup"), clock);

    long g0 = System.nanoTime();
    ZendeskStub.Generated pages = ZendeskStub.generate(n, ZendeskIngest.PER_PAGE, clock.instant());
    System.err.printf(
        Locale.ROOT,
        "   generated %d tickets in %d pages (%.0f MB JSON, %.0f MB gzip) in %.1f s%n",
        n,
        pages.pages().size(),
        pages.rawBytes() / 1e6,
        pages.pages().stream().mapToLong(b -> b.length).sum() / 1e6,
        (System.nanoTime() - g0) / 1e9);
    Path state = work.resolve("state");
    ZendeskIngest.Timing t = new ZendeskIngest.Timing();
    long stored;
    try (ZendeskStub stub = ZendeskStub.serving(pages)) {
      pages = null; // the stub holds them
      Connector c = ZendeskIngest.connector(stub.baseUrl(), clock, t);
      try (Store store = Store.open(state, clock)) {
        KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
        System.gc();
        ZendeskIngest.run(c, store, kpi, t);
        stored = store.count(ZendeskIngest.SOURCE);
      }
      System.err.println("   " + t);
      long minimum = (n + ZendeskIngest.PER_PAGE - 1) / ZendeskIngest.PER_PAGE;
      long total = stub.totalRequests();
      out.put("ingest_tickets_n", n);
      out.put("ingest_tickets_per_s", Math.round(n / (t.nanos / 1e9)));
      out.putAll(t.keys("ingest_"));
      out.put("ingest_warmup_tickets_n", warm);
      out.put("api_requests_ratio_vs_minimum", round3((double) total / minimum));
      out.put("api_requests_n_tickets", n);
      out.put("api_requests_total", total);
      out.put("api_requests_minimum", minimum);
      out.put("api_requests_extra", total - minimum);
      out.put("api_requests_by_path", stub.requestCounts().toString());
      out.put(
          "ingest_wire_bytes_per_ticket", Math.round((double) stub.wireBytes() / Math.max(1, n)));
    }
    if (stored != n) {
      throw new IllegalStateException("stored " + stored + " tickets, expected " + n);
    }
    long bytes = ZendeskIngest.folderBytes(state);
    out.put("sqlite_db_bytes", bytes);
    out.put("sqlite_db_bytes_per_ticket", Math.round((double) bytes / n));
    ZendeskIngest.offerState(state, n);
    return out;
  }

  /**
   * A smaller backfill through {@link SyncHarness} (the production stream runner), checked: every
   * ticket stored and the open backlog as generated.
   */
  private static void warmUp(int n, Path dir, Clock clock) throws Exception {
    ZendeskStub.Generated pages = ZendeskStub.generate(n, ZendeskIngest.PER_PAGE, clock.instant());
    long t0 = System.nanoTime();
    try (ZendeskStub stub = ZendeskStub.serving(pages);
        SyncHarness h =
            new SyncHarness(
                dir, ZendeskIngest.connector(stub.baseUrl(), clock, RequestListener.NONE), clock)) {
      Map<String, java.time.Duration> failed = h.syncAll();
      if (!failed.isEmpty()) {
        throw new IllegalStateException("warm-up backfill failed: " + h.lastError("tickets"));
      }
      long stored = h.store.count(ZendeskIngest.SOURCE);
      double open =
          h.snapshot().find("tickets_open", Map.of("source", ZendeskIngest.SOURCE)).stream()
              .mapToDouble(KpiSeries::value)
              .sum();
      if (stored != n || open != pages.open()) {
        throw new IllegalStateException(
            "warm-up: stored "
                + stored
                + " (want "
                + n
                + "), open "
                + open
                + " (want "
                + pages.open()
                + ")");
      }
      System.err.printf(
          Locale.ROOT,
          "   warm-up: %d tickets (%d open) in %.1f s, %d requests%n",
          n,
          pages.open(),
          (System.nanoTime() - t0) / 1e9,
          stub.totalRequests());
    }
    BenchMain.deleteTree(dir);
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
