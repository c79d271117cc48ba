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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * KPI refresh at 1M tickets of {@link KpiWorkload} (30 days of history, quick mode too) with the
 * demo-like config (windows 1h/24h/7d/30d, dimensions group/priority/channel, office hours,
 * business-hours SLAs).
 *
 * <ul>
 *   <li>Full rebuild ({@code kpi_refresh_ms_1m_tickets}, median; each timing in {@code
 *       kpi_refresh_ms_rebuilds}): the first {@link KpiEngine#compute()} on a fresh engine {@link
 *       KpiEngine#load}ed with every record (as at start-up or after a reload), over 3 fresh loads
 *       (each after a full GC, so no previous engine's garbage is collected during the timed
 *       compute); each load's own time is kept apart ({@code kpi_refresh_load_ms}).
 *   <li>After a page ({@code kpi_incremental_refresh_ms_after_page}, median; p90 in {@code
 *       kpi_incremental_refresh_ms_p90}): on the last loaded engine, the clock moves 15 s, a page
 *       of 100 changed tickets is applied live as the sync loop feeds it, then {@code compute()}:
 *       20 pages timed (50 in full mode) after 3 untimed ones; the apply is timed apart. The same
 *       with pages of 1,000 ({@code kpi_refresh_ms_after_1000_page}).
 *   <li>The publisher refresh (tick, compute, conversion to client_java snapshots) with no change
 *       since the previous one.
 * </ul>
 */
public final class KpiRefreshBench implements Benchmark {
  /** Changed tickets per page for the incremental goal: a page of 100 changes, then a snapshot. */
  static final int SMALL_PAGE = 100;

  @Override
  public String name() {
    return "kpi_refresh";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) {
    long n = 1_000_000;
    int loads = 3;
    int warmupPages = 3;
    int smallPages = quick ? 20 : 50;
    int bigPages = quick ? 5 : 9;
    int publishes = quick ? 5 : 7;
    String size = BenchMain.size(n);

    // full rebuild: the first compute() after a load, on a fresh engine each time
    MutableClock clock = null;
    KpiEngine engine = null;
    KpiWorkload.Loaded loaded = null;
    double[] loadMs = new double[loads];
    double[] rebuild = new double[loads];
    int series = 0;
    for (int i = 0; i < loads; i++) {
      engine = null; // the previous engine is garbage before the next one loads
      HeapBench.liveHeap(); // and collected: no old engine's GC work inside the timed compute
      clock = new MutableClock(KpiWorkload.NOW);
      engine = new KpiEngine(KpiWorkload.config(), clock);
      KpiWorkload.Loaded[] l = new KpiWorkload.Loaded[1];
      long s = System.nanoTime();
      engine.load(KpiWorkload.SOURCE, action -> l[0] = KpiWorkload.forEach(n, action));
      loadMs[i] = (System.nanoTime() - s) / 1e6;
      loaded = l[0];
      s = System.nanoTime();
      series = engine.compute().series().size();
      rebuild[i] = (System.nanoTime() - s) / 1e6;
      System.err.printf(
          Locale.ROOT,
          "   load %d: %,d tickets (%,d open), %,d surveys generated and loaded in %.0f ms;"
              + " first compute %.0f ms%n",
          i + 1,
          loaded.tickets(),
          loaded.open(),
          loaded.surveys(),
          loadMs[i],
          rebuild[i]);
    }

    // pages of changes, 15 s apart (the refresh interval), each followed by the next refresh
    Set<Long> touched = new HashSet<>();
    int[] pageNo = {0};
    Pages warmup = pages(engine, clock, n, SMALL_PAGE, warmupPages, pageNo, touched);
    System.err.printf(
        "   warm-up pages of %d: apply ms %s, next compute ms %s%n",
        SMALL_PAGE, Arrays.toString(round(warmup.apply)), Arrays.toString(round(warmup.compute)));
    Pages small = pages(engine, clock, n, SMALL_PAGE, smallPages, pageNo, touched);
    System.err.printf(
        "   pages of %d: apply ms %s, next compute ms %s%n",
        SMALL_PAGE, Arrays.toString(round(small.apply)), Arrays.toString(round(small.compute)));
    Pages big = pages(engine, clock, n, KpiWorkload.PAGE, bigPages, pageNo, touched);
    System.err.printf(
        "   pages of %d: apply ms %s, next compute ms %s%n",
        KpiWorkload.PAGE, Arrays.toString(round(big.apply)), Arrays.toString(round(big.compute)));

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
    double[] publish = new double[publishes];
    KpiSnapshot last = null;
    for (int i = 0; i < publishes; i++) {
      long s = System.nanoTime();
      last = publisher.refresh();
      publish[i] = (System.nanoTime() - s) / 1e6;
    }
    System.err.printf("   publisher refresh ms: %s%n", Arrays.toString(round(publish)));

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kpi_refresh_ms_" + size + "_tickets", round1(quantile(rebuild, 0.5)));
    out.put("kpi_refresh_ms_rebuilds", Arrays.toString(round(rebuild)));
    out.put("kpi_refresh_load_ms", Arrays.toString(round(loadMs)));
    out.put("kpi_refresh_tickets_n", n);
    out.put("kpi_refresh_open_tickets_n", loaded.open());
    out.put("kpi_refresh_surveys_n", loaded.surveys());
    out.put("kpi_refresh_series_n", series);
    out.put("kpi_incremental_refresh_ms_after_page", round1(quantile(small.compute, 0.5)));
    out.put("kpi_incremental_refresh_ms_p90", round1(quantile(small.compute, 0.9)));
    out.put("kpi_incremental_pages_n", smallPages);
    out.put("kpi_incremental_page_tickets_n", SMALL_PAGE);
    out.put("kpi_page_apply_ms", round1(quantile(small.apply, 0.5)));
    out.put("kpi_page_apply_ms_p90", round1(quantile(small.apply, 0.9)));
    out.put("kpi_refresh_ms_after_1000_page", round1(quantile(big.compute, 0.5)));
    out.put("kpi_refresh_ms_after_1000_page_p90", round1(quantile(big.compute, 0.9)));
    out.put("kpi_page_apply_ms_1000", round1(quantile(big.apply, 0.5)));
    out.put("kpi_publisher_refresh_ms", round1(quantile(publish, 0.5)));
    out.put("kpi_publisher_series_n", last == null ? 0 : last.series().size());
    out.put(
        "kpi_incremental_note",
        "full rebuild = first compute() on a fresh engine load()ed with every record (median of "
            + loads
            + " loads); after page = compute() after the clock moved 15 s and a live page of "
            + SMALL_PAGE
            + " changed tickets was applied (median/p90 of "
            + smallPages
            + " pages after "
            + warmupPages
            + " untimed); apply timed apart");
    return out;
  }

  /** Timings of a run of pages: the apply of each, and the compute() after it. */
  private record Pages(double[] apply, double[] compute) {}

  /** {@code count} pages of {@code size} changed tickets, 15 s apart, each then computed. */
  private static Pages pages(
      KpiEngine engine,
      MutableClock clock,
      long n,
      int size,
      int count,
      int[] pageNo,
      Set<Long> touched) {
    double[] apply = new double[count];
    double[] compute = new double[count];
    for (int p = 0; p < count; p++) {
      clock.advance(Duration.ofSeconds(15));
      List<Change> page = KpiWorkload.page(n, pageNo[0]++, size, clock.instant(), touched);
      long s = System.nanoTime();
      engine.apply(KpiWorkload.SOURCE, page, true);
      apply[p] = (System.nanoTime() - s) / 1e6;
      s = System.nanoTime();
      engine.compute();
      compute[p] = (System.nanoTime() - s) / 1e6;
    }
    return new Pages(apply, compute);
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
