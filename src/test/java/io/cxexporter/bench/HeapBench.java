package io.cxexporter.bench;

import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap per tracked ticket: the KPI engine holding {@code n} tickets of {@link KpiWorkload} (every
 * ticket of the last 30 days: the engine keeps solved ones too, windows need them; about a tenth
 * are open) plus their survey answers, after a computed snapshot. Live heap is the heap's {@code
 * used} after repeated full GCs ({@code System.gc()}, a full collection on G1 and Parallel), minus
 * the same measured before loading, divided by the tickets tracked.
 *
 * <p>Sizes: 100k and 1M (quick: 100k and 300k). {@code heap_bytes_per_open_ticket} is the largest
 * size measured.
 */
public final class HeapBench implements Benchmark {
  @Override
  public String name() {
    return "heap";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Long> sizes = quick ? List.of(100_000L, 300_000L) : List.of(100_000L, 1_000_000L);
    double last = 0;
    for (long n : sizes) {
      long before = liveHeap();
      MutableClock clock = new MutableClock(KpiWorkload.NOW);
      KpiEngine engine = new KpiEngine(KpiWorkload.config(), clock);
      KpiWorkload.Loaded loaded = KpiWorkload.load(engine, n);
      engine.compute(); // prunes what no window reaches and settles lazily built state
      long after = liveHeap();
      double perTicket = (after - before) / (double) loaded.tickets();
      System.err.printf(
          "   %,d tickets (%,d open, %,d surveys): live heap %,d -> %,d bytes, %.0f bytes/ticket%n",
          loaded.tickets(), loaded.open(), loaded.surveys(), before, after, perTicket);
      String suffix = n >= 1_000_000 ? "_1m" : n == 100_000 ? "_100k" : "_" + n / 1000 + "k";
      out.put("heap_bytes_per_open_ticket" + suffix, Math.round(perTicket));
      out.put("heap_tickets_n" + suffix, loaded.tickets());
      out.put("heap_open_tickets_n" + suffix, loaded.open());
      out.put("heap_surveys_n" + suffix, loaded.surveys());
      last = perTicket;
      java.lang.ref.Reference.reachabilityFence(engine);
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("heap_bytes_per_open_ticket", Math.round(last));
    keys.put("heap_bytes_per_open_ticket_n", sizes.get(sizes.size() - 1));
    keys.putAll(out);
    keys.put(
        "heap_note",
        "tickets tracked by the KPI engine (all of the last 30 days, open or solved, plus their"
            + " survey answers); heap used after full GC minus the same before loading");
    return keys;
  }

  /** Heap used after full GCs, once two in a row agree within 1%. */
  static long liveHeap() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long prev = Long.MAX_VALUE;
    for (int i = 0; i < 8; i++) {
      System.gc();
      long used = mem.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - prev) < prev / 100) {
        return Math.min(used, prev);
      }
      prev = used;
    }
    return prev;
  }
}
