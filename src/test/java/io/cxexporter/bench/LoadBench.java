package io.cxexporter.bench;

import io.cxexporter.app.TestApps;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP surface under load (issue 16), against the real exporter running the demo config (its
 * default {@code --web.max-requests} of 40):
 *
 * <ul>
 *   <li>{@code scrape_200_concurrent_*}: 200 scrapers in a closed loop, each on its own keep-alive
 *       connection, for 60 s (quick: 15 s, in {@code scrape_200_concurrent_seconds}); a scraper
 *       answered 503 waits the 1 s of its {@code Retry-After}. Counts 200s, the configured 503s and
 *       anything else (errors); p50/p99 of the 200s; live heap (after full GC) before and after.
 *   <li>{@code slowloris_*}: 500 and 5,000 connections that sent half a request line and stay open,
 *       then one normal {@code GET /metrics} on a new connection: its latency.
 * </ul>
 */
public final class LoadBench implements Benchmark {
  static final int SCRAPERS = 200;

  @Override
  public String name() {
    return "load";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    String demo = Files.readString(Path.of("examples/demo.yml"));
    String yaml = demo.substring(demo.indexOf("\nkpi:") + 1);
    try (TestApps.Running app = TestApps.start(work, yaml)) {
      int port = app.port();
      waitForData(port);
      int seconds = quick ? 15 : 60;
      ScrapeBench.settle();
      long heapBefore = liveHeap();
      Result r = scrapers(port, seconds);
      ScrapeBench.settle();
      long heapAfter = liveHeap();
      double[] lat = r.latencies();
      System.err.printf(
          Locale.ROOT,
          "   %d scrapers %d s: %d ok, %d 503, %d errors; p50 %.1f p99 %.1f ms; heap %,d -> %,d%n",
          SCRAPERS,
          seconds,
          r.ok.get(),
          r.rejected.get(),
          r.errors.get(),
          ScrapeBench.q(lat, 0.5),
          ScrapeBench.q(lat, 0.99),
          heapBefore,
          heapAfter);
      out.put("scrape_200_concurrent_seconds", seconds);
      out.put("scrape_200_concurrent_body_bytes", bodyBytes(port));
      out.put("scrape_200_concurrent_ok_n", r.ok.get());
      out.put("scrape_200_concurrent_503_n", r.rejected.get());
      out.put("scrape_200_concurrent_errors_n", r.errors.get());
      out.put("scrape_200_concurrent_p50_ms", ScrapeBench.round2(ScrapeBench.q(lat, 0.5)));
      out.put("scrape_200_concurrent_p99_ms", ScrapeBench.round2(ScrapeBench.q(lat, 0.99)));
      out.put("scrape_200_concurrent_heap_before_bytes", heapBefore);
      out.put("scrape_200_concurrent_heap_after_bytes", heapAfter);
      if (r.firstError.get() != null) {
        out.put("scrape_200_concurrent_first_error", r.firstError.get());
      }
      for (int n : new int[] {500, 5000}) {
        out.put("slowloris_scrape_ms_" + n + "_half_open", ScrapeBench.round2(slowloris(port, n)));
      }
      out.put(
          "load_note",
          "demo config, --web.max-requests 40 (default), a 503 waits its Retry-After (1 s);"
              + " latencies of 200 answers only; heap is used heap after full GC; slowloris: worst"
              + " of 5 new scrapes");
    }
    return out;
  }

  static final class Result {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final java.util.concurrent.atomic.AtomicReference<String> firstError =
        new java.util.concurrent.atomic.AtomicReference<>();
    final List<double[]> parts = new ArrayList<>();

    double[] latencies() {
      return ScrapeBench.concat(parts);
    }
  }

  static Result scrapers(int port, int seconds) throws InterruptedException {
    Result r = new Result();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < SCRAPERS; t++) {
      Thread th =
          new Thread(
              () -> {
                double[] lat = new double[1024];
                int n = 0;
                ScrapeBench.Scraper c = null;
                try {
                  start.await();
                  while (System.nanoTime() < end) {
                    try {
                      if (c == null) {
                        c = new ScrapeBench.Scraper(port);
                      }
                      long t0 = System.nanoTime();
                      int status = c.get("/metrics");
                      double ms = (System.nanoTime() - t0) / 1e6;
                      if (status == 200) {
                        r.ok.incrementAndGet();
                        if (n == lat.length) {
                          lat = java.util.Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = ms;
                      } else if (status == 503) {
                        r.rejected.incrementAndGet();
                        Thread.sleep(1000); // Retry-After: 1, as a well-behaved client waits
                      } else {
                        r.errors.incrementAndGet();
                        r.firstError.compareAndSet(null, "status " + status);
                      }
                    } catch (IOException e) {
                      r.errors.incrementAndGet();
                      r.firstError.compareAndSet(null, e.toString());
                      if (c != null) {
                        c.close();
                      }
                      c = null;
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  if (c != null) {
                    c.close();
                  }
                  synchronized (r.parts) {
                    r.parts.add(java.util.Arrays.copyOf(lat, n));
                  }
                }
              },
              "load-" + t);
      th.start();
      threads.add(th);
    }
    start.countDown();
    for (Thread th : threads) {
      th.join();
    }
    return r;
  }

  /** Opens {@code n} half-open connections, then times one normal scrape; ms. */
  static double slowloris(int port, int n) throws IOException {
    List<Socket> open = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.getOutputStream().write("GET /metrics HT".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        open.add(s);
      }
      double best = Double.MAX_VALUE;
      double worst = 0;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        try (ScrapeBench.Scraper c = new ScrapeBench.Scraper(port)) {
          int status = c.get("/metrics");
          if (status != 200) {
            throw new IOException("status " + status);
          }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        best = Math.min(best, ms);
        worst = Math.max(worst, ms);
      }
      System.err.printf(
          Locale.ROOT,
          "   %,d half-open connections: a new scrape took %.1f ms (worst of 5; best %.1f)%n",
          n,
          worst,
          best);
      return worst;
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }

  static long bodyBytes(int port) throws IOException {
    try (ScrapeBench.Scraper c = new ScrapeBench.Scraper(port)) {
      c.get("/metrics");
      return c.lastLength();
    }
  }

  static void waitForData(int port) throws Exception {
    for (int i = 0; i < 300; i++) {
      try (ScrapeBench.Scraper c = new ScrapeBench.Scraper(port)) {
        if (c.get("/-/ready") == 200) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("demo not ready after 30 s");
  }

  static long liveHeap() throws InterruptedException {
    java.lang.management.MemoryMXBean m = java.lang.management.ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return m.getHeapMemoryUsage().getUsed();
  }
}
