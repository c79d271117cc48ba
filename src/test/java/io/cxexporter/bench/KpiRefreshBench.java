package io.cxexporter.bench;

import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.metrics.KpiPublisher;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.metrics.SnapshotCollector;
import io.cxexporter.metrics.TransitionMetrics;
import io.cxexporter.store.Change;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KPI refresh: {@link KpiEngine#compute()} over 30 days of history ({@link KpiWorkload}: 1M
 * tickets, 200k in quick mode) with the demo-like config (windows 1h/24h/7d/30d, dimensions
 * group/priority/channel, office hours, business-hours SLAs). Then the refresh right after applying
 * one page of 1,000 changed tickets, the way the sync loop feeds the engine, 15 s later.
 *
 * <p>Keys: {@code kpi_refresh_ms_1m_tickets} ({@code _200k_} in quick mode; median of the timed
 * full refreshes), its p90, {@code kpi_incremental_refresh_ms_after_page} (median compute() after
 * each page), the page's apply time and the whole publisher refresh (tick, compute, conversion to
 * client_java snapshots).
 */
public final class KpiRefreshBench implements Benchmark {
  @Override
  public String name() {
    return "kpi_refresh";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) {
    long n = quick ? 200_000 : 1_000_000;
    int warmups = quick ? 3 : 3;
    int timed = quick ? 5 : 7;
    int pages = quick ? 7 : 9;
    MutableClock clock = new MutableClock(KpiWorkload.NOW);
    KpiEngine engine = new KpiEngine(KpiWorkload.config(), clock);
    long t0 = System.nanoTime();
    KpiWorkload.Loaded loaded = KpiWorkload.load(engine, n);
    double loadS = (System.nanoTime() - t0) / 1e9;
    System.err.printf(
        "   %,d tickets (%,d open), %,d surveys loaded in %.1f s%n",
        loaded.tickets(), loaded.open(), loaded.surveys(), loadS);

    int series = 0;
    for (int i = 0; i < warmups; i++) {
      long s = System.nanoTime();
      series = engine.compute().series().size();
      System.err.printf("   warm-up compute: %.0f ms%n", (System.nanoTime() - s) / 1e6);
    }
    double[] full = new double[timed];
    for (int i = 0; i < timed; i++) {
      long s = System.nanoTime();
      engine.compute();
      full[i] = (System.nanoTime() - s) / 1e6;
    }
    System.err.printf("   full compute ms: %s%n", Arrays.toString(round(full)));

    // one page of changes at a time, 15 s apart (the refresh interval), then the next refresh
    double[] apply = new double[pages];
    double[] incremental = new double[pages];
    Set<Long> touched = new HashSet<>();
    for (int p = 0; p < pages; p++) {
      clock.advance(Duration.ofSeconds(15));
      List<Change> page = KpiWorkload.page(n, p, clock.instant(), touched);
      long s = System.nanoTime();
      engine.apply(KpiWorkload.SOURCE, page, true);
      apply[p] = (System.nanoTime() - s) / 1e6;
      s = System.nanoTime();
      engine.compute();
      incremental[p] = (System.nanoTime() - s) / 1e6;
    }
    System.err.printf(
        "   page apply ms: %s, next compute ms: %s%n",
        Arrays.toString(round(apply)), Arrays.toString(round(incremental)));

    // the real refresh path: KpiPublisher.refresh() = tick + compute + SnapshotCollector.update
    PrometheusRegistry registry = new PrometheusRegistry();
    KpiPublisher publisher =
        new KpiPublisher(
            engine,
            TransitionMetrics.register(registry, engine.config().dimensions()),
            SnapshotCollector.register(registry),
            SelfMetrics.register(registry, "bench", "bench"),
            clock,
            Duration.ofSeconds(15));
    double[] publish = new double[timed];
    KpiSnapshot last = null;
    for (int i = 0; i < timed; i++) {
      long s = System.nanoTime();
      last = publisher.refresh();
      publish[i] = (System.nanoTime() - s) / 1e6;
    }
    System.err.printf("   publisher refresh ms: %s%n", Arrays.toString(round(publish)));

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kpi_refresh_ms_" + BenchMain.size(n) + "_tickets", round1(quantile(full, 0.5)));
    out.put("kpi_refresh_ms_p90", round1(quantile(full, 0.9)));
    out.put("kpi_refresh_tickets_n", n);
    out.put("kpi_refresh_open_tickets_n", loaded.open());
    out.put("kpi_refresh_surveys_n", loaded.surveys());
    out.put("kpi_refresh_series_n", series);
    out.put("kpi_refresh_load_s", round1(loadS));
    out.put("kpi_incremental_refresh_ms_after_page", round1(quantile(incremental, 0.5)));
    out.put("kpi_incremental_refresh_ms_p90", round1(quantile(incremental, 0.9)));
    out.put("kpi_page_apply_ms", round1(quantile(apply, 0.5)));
    out.put("kpi_publisher_refresh_ms", round1(quantile(publish, 0.5)));
    out.put("kpi_publisher_series_n", last == null ? 0 : last.series().size());
    out.put(
        "kpi_incremental_note",
        "no incremental aggregation: compute() scans every kept ticket and survey (two passes,"
            + " WindowPass), so the refresh after a page costs a full refresh");
    return out;
  }

  /** Nearest-rank quantile of a copy. */
  static double quantile(double[] v, double q) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[Math.max(0, (int) Math.ceil(q * c.length) - 1)];
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double[] round(double[] v) {
    double[] c = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      c[i] = round1(v[i]);
    }
    return c;
  }
}
