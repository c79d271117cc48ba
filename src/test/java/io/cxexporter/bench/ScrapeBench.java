package io.cxexporter.bench;

import io.cxexporter.config.ServerConfig;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.metrics.SnapshotCollector;
import io.cxexporter.web.WebServer;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /metrics} with 10,000 series, text format 0.0.4, no gzip, 8 concurrent scrapers
 * (closed loop, one keep-alive connection each, a minimal raw-socket HTTP/1.1 client so the client
 * costs the same for both servers).
 *
 * <p>Ours: the real {@link WebServer} (Javalin/Jetty, {@code MetricsExchange}, client_java's {@code
 * PrometheusScrapeHandler}) on loopback, serving a registry whose {@link SnapshotCollector} holds a
 * {@link KpiSnapshot} shaped like the engine's output (4 windows, 40 groups, 4 priorities, 6
 * channels, backlog by status and dimensions) cut to exactly 10,000 series. Baseline, same run:
 * client_java's own {@link HTTPServer} serving a second registry with the same snapshot; both
 * bodies are checked byte-identical. Rounds alternate between the two servers.
 *
 * <p>{@code scrape_ratio_vs_client_java_httpserver} is the ratio of mean latencies under that same
 * load (in a closed loop: the CPU cost per scrape); the p99 ratio is recorded too.
 */
public final class ScrapeBench implements Benchmark {
  static final int SERIES = 10_000;
  static final int SCRAPERS = 8;

  @Override
  public String name() {
    return "scrape";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    int rounds = 3;
    int perThread = quick ? 125 : 400; // per round and scraper
    KpiSnapshot snapshot = snapshot(SERIES);

    // one registry for both servers: the web server adds its own metrics
    // (cx_http_requests_rejected_total, cx_web_config_last_reload_successful) to the registry it
    // serves, and the baseline must serve the same families for the bodies to be comparable
    PrometheusRegistry ours = new PrometheusRegistry();
    SnapshotCollector.register(ours).update(snapshot);
    PrometheusRegistry theirs = ours;

    Map<String, Object> out = new LinkedHashMap<>();
    try (WebServer web =
            WebServer.start(
                new ServerConfig("127.0.0.1", 0, null, null, null),
                ours,
                new io.cxexporter.testing.EmptyStatus(),
                Clock.systemUTC());
        HTTPServer baseline =
            HTTPServer.builder()
                .inetAddress(InetAddress.getLoopbackAddress())
                .port(0)
                .registry(theirs)
                .buildAndStart()) {
      int oursPort = web.port();
      int theirPort = baseline.getPort();
      byte[] a = get(oursPort);
      byte[] b = get(theirPort);
      long samples = countSamples(a);
      System.err.printf(
          "   body %,d bytes, %,d samples; identical to baseline: %s%n",
          a.length, samples, Arrays.equals(a, b));
      if (!Arrays.equals(a, b)) {
        throw new IllegalStateException("the two servers serve different bodies: not comparable");
      }
      // warm-up: both servers, until the JIT settled
      for (int w = 0; w < 3; w++) {
        load(oursPort, quick ? 60 : 150, a.length);
        load(theirPort, quick ? 30 : 75, a.length);
      }
      settle();
      double[] single = sequential(oursPort, quick ? 100 : 300, a.length);
      settle();
      double[] singleBase = sequential(theirPort, quick ? 100 : 300, a.length);
      List<double[]> oursLat = new ArrayList<>();
      List<double[]> theirLat = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        boolean oursFirst = r % 2 == 0;
        settle();
        double[] x = load(oursFirst ? oursPort : theirPort, perThread, a.length);
        settle();
        double[] y = load(oursFirst ? theirPort : oursPort, perThread, a.length);
        oursLat.add(oursFirst ? x : y);
        theirLat.add(oursFirst ? y : x);
        System.err.printf(
            Locale.ROOT,
            "   round %d: ours p50 %.2f p99 %.2f mean %.2f ms | client_java p50 %.2f p99 %.2f"
                + " mean %.2f ms%n",
            r + 1,
            q(oursFirst ? x : y, 0.5),
            q(oursFirst ? x : y, 0.99),
            mean(oursFirst ? x : y),
            q(oursFirst ? y : x, 0.5),
            q(oursFirst ? y : x, 0.99),
            mean(oursFirst ? y : x));
      }
      double[] o = concat(oursLat);
      double[] t = concat(theirLat);
      out.put("scrape_p99_ms_10k_series", round2(q(o, 0.99)));
      out.put("scrape_p50_ms_10k_series", round2(q(o, 0.5)));
      out.put("scrape_mean_ms_10k_series", round2(mean(o)));
      out.put("scrape_ratio_vs_client_java_httpserver", round2(mean(o) / mean(t)));
      out.put("scrape_p99_ratio_vs_client_java_httpserver", round2(q(o, 0.99) / q(t, 0.99)));
      out.put("scrape_client_java_p99_ms", round2(q(t, 0.99)));
      out.put("scrape_client_java_p50_ms", round2(q(t, 0.5)));
      out.put("scrape_client_java_mean_ms", round2(mean(t)));
      out.put("scrape_single_p50_ms", round2(q(single, 0.5)));
      out.put("scrape_client_java_single_p50_ms", round2(q(singleBase, 0.5)));
      out.put("scrape_series_n", samples);
      out.put("scrape_body_bytes", a.length);
      out.put("scrape_requests_n", o.length);
      out.put("scrape_concurrency", SCRAPERS);
      out.put(
          "scrape_note",
          "ratio = mean latency ours / client_java HTTPServer, same snapshot in both registries,"
              + " byte-identical text 0.0.4 bodies, no gzip, 8 keep-alive scrapers, alternating"
              + " rounds after a full GC each");
    }
    return out;
  }

  /** A snapshot shaped like the engine's output, cut to {@code n} series. */
  static KpiSnapshot snapshot(int n) {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      groups.add("Team " + (char) ('A' + i % 26) + (i / 26 == 0 ? "" : "2"));
    }
    List<String> priorities = List.of("low", "normal", "high", "urgent");
    List<String> channels = List.of("email", "chat", "phone", "web", "social", "api");
    Map<String, List<String>> dims = new LinkedHashMap<>();
    dims.put("group", groups);
    dims.put("priority", priorities);
    dims.put("channel", channels);
    List<KpiSeries> s = new ArrayList<>();
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    // backlog: by status and every dimension, then oldest age and at-risk by dimensions
    for (String status : List.of("new", "open", "pending", "on_hold")) {
      for (String g : groups) {
        for (String p : priorities) {
          for (String c : channels) {
            s.add(
                new KpiSeries(
                    "tickets_open",
                    List.of("source", "status", "group", "priority", "channel"),
                    List.of("zd", status, g, p, c),
                    r.nextInt(40)));
          }
        }
      }
    }
    for (String name : List.of("ticket_open_oldest_age_seconds", "sla_at_risk_tickets")) {
      for (String g : groups) {
        for (String p : priorities) {
          for (String c : channels) {
            s.add(
                new KpiSeries(
                    name,
                    List.of("source", "group", "priority", "channel"),
                    List.of("zd", g, p, c),
                    r.nextDouble() * 1e6));
          }
        }
      }
    }
    // windowed: whole source and one dimension per series, as KpiEngine.emit
    List<String[]> scopes = new ArrayList<>();
    scopes.add(null);
    dims.forEach((d, values) -> values.forEach(v -> scopes.add(new String[] {d, v})));
    for (String family :
        List.of(
            "kpi_first_response_seconds",
            "kpi_resolution_seconds",
            "kpi_tickets_created",
            "kpi_tickets_solved",
            "kpi_csat_ratio",
            "kpi_nps_score",
            "kpi_ces_score",
            "kpi_first_contact_resolution_ratio",
            "kpi_reopen_ratio",
            "kpi_escalation_ratio",
            "kpi_solved_per_agent",
            "kpi_sla_attainment_ratio")) {
      for (String window : List.of("1h", "24h", "7d", "30d")) {
        for (String[] scope : scopes) {
          List<String[]> extras = new ArrayList<>();
          if (family.endsWith("_seconds")) {
            for (String h : List.of("calendar", "business")) {
              for (String st : List.of("mean", "p50", "p90")) {
                extras.add(new String[] {"hours", h, "stat", st});
              }
            }
          } else if (family.equals("kpi_sla_attainment_ratio")) {
            extras.add(new String[] {"target", "first_response"});
            extras.add(new String[] {"target", "resolution"});
          } else {
            extras.add(new String[0]);
          }
          for (String[] extra : extras) {
            List<String> names = new ArrayList<>(List.of("source"));
            List<String> values = new ArrayList<>(List.of("zd"));
            if (scope != null) {
              names.add(scope[0]);
              values.add(scope[1]);
            }
            names.add("window");
            values.add(window);
            for (int i = 0; i < extra.length; i += 2) {
              names.add(extra[i]);
              values.add(extra[i + 1]);
            }
            double v =
                family.endsWith("_seconds")
                    ? r.nextDouble() * 200_000
                    : family.endsWith("_ratio") ? r.nextDouble() : r.nextInt(5000);
            s.add(new KpiSeries(family, names, values, v));
          }
        }
      }
    }
    if (s.size() < n) {
      throw new IllegalStateException("only " + s.size() + " series");
    }
    return new KpiSnapshot(Instant.parse("2026-11-18T12:00:00Z"), s.subList(0, n));
  }

  /**
   * Before each measured round, for both servers alike: a full GC, so neither round pays for the
   * other's garbage (client_java's rendering allocates several MB per scrape).
   */
  static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    // and no JIT compilation still running on the 2 cores the round measures
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    long last = -1;
    for (int i = 0; i < 50 && jit != null && jit.getTotalCompilationTime() != last; i++) {
      last = jit.getTotalCompilationTime();
      Thread.sleep(100);
    }
  }

  /** {@code perThread} scrapes by each of {@link #SCRAPERS} threads; latencies in ms. */
  static double[] load(int port, int perThread, long length) throws Exception {
    double[][] lat = new double[SCRAPERS][perThread];
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Exception> failed = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < SCRAPERS; t++) {
      int id = t;
      Thread th =
          new Thread(
              () -> {
                try (Scraper s = new Scraper(port)) {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    long t0 = System.nanoTime();
                    long n = s.scrape();
                    lat[id][i] = (System.nanoTime() - t0) / 1e6;
                    if (n != length) {
                      throw new IOException(n + " bytes instead of " + length);
                    }
                  }
                } catch (Exception e) {
                  failed.compareAndSet(null, e);
                }
              },
              "scraper-" + t);
      th.start();
      threads.add(th);
    }
    start.countDown();
    for (Thread th : threads) {
      th.join();
    }
    if (failed.get() != null) {
      throw failed.get();
    }
    List<double[]> all = new ArrayList<>(Arrays.asList(lat));
    return concat(all);
  }

  static double[] sequential(int port, int n, long length) throws IOException {
    double[] lat = new double[n];
    try (Scraper s = new Scraper(port)) {
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        long read = s.scrape();
        lat[i] = (System.nanoTime() - t0) / 1e6;
        if (read != length) {
          throw new IOException(read + " bytes instead of " + length);
        }
      }
    }
    return lat;
  }

  static byte[] get(int port) throws IOException {
    try (Scraper s = new Scraper(port)) {
      return s.body();
    }
  }

  /** A keep-alive HTTP/1.1 connection that GETs /metrics in text format 0.0.4, without gzip. */
  static final class Scraper implements AutoCloseable {
    private static final byte[] REQUEST =
        ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain;version=0.0.4\r\n"
                + "User-Agent: cx-bench\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] buf = new byte[64 * 1024];
    private boolean keep;
    private long read;

    Scraper(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** One scrape; the body. */
    byte[] body() throws IOException {
      keep = true;
      scrape();
      return body.toByteArray();
    }

    /** One scrape, reading the body without keeping it; its length. */
    long scrape() throws IOException {
      int status = get("/metrics");
      if (status != 200) {
        throw new IOException("unexpected status " + status);
      }
      return read;
    }

    /** One GET of {@code path}, reading the body whatever the status; the status. */
    int get(String path) throws IOException {
      out.write(
          path.equals("/metrics")
              ? REQUEST
              : ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain;version=0.0.4\r\n"
                      + "User-Agent: cx-bench\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = line();
      if (!statusLine.startsWith("HTTP/1.1 ")) {
        throw new IOException("unexpected response: " + statusLine);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("content-encoding:")) {
          throw new IOException("compressed response: " + h);
        }
      }
      body.reset();
      read = 0;
      if (chunked) {
        for (long size = Long.parseLong(line().trim(), 16); size > 0; ) {
          copy(size);
          line();
          size = Long.parseLong(line().trim(), 16);
        }
        line();
      } else if (length >= 0) {
        copy(length);
      } else {
        throw new IOException("neither content-length nor chunked");
      }
      return status;
    }

    /** The length of the last body read. */
    long lastLength() {
      return read;
    }

    private void copy(long n) throws IOException {
      while (n > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          throw new IOException("connection closed mid-body");
        }
        if (keep) {
          body.write(buf, 0, r);
        }
        read += r;
        n -= r;
      }
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  static long countSamples(byte[] body) {
    long n = 0;
    String text = new String(body, StandardCharsets.UTF_8);
    for (String l : text.split("\n")) {
      if (!l.isEmpty() && !l.startsWith("#")) {
        n++;
      }
    }
    return n;
  }

  static double[] concat(List<double[]> parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] out = new double[n];
    int i = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }

  static double q(double[] v, double q) {
    return KpiRefreshBench.quantile(v, q);
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
