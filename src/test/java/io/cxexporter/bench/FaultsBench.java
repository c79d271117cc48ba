package io.cxexporter.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.cxexporter.app.TestApps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scrape latency while a vendor misbehaves: the real exporter (in process, its real web server)
 * runs a demo connector and a Zendesk connector whose API (the bench {@link ZendeskStub} behind a
 * WireMock proxy) goes through a sequence of faults: HTTP 500, an HTML page with 200, truncated
 * JSON, a stall longer than the read timeout, 429 with {@code Retry-After}, connection resets,
 * healthy again, then 401. Eight keep-alive scrapers read {@code /metrics} the whole time, each
 * every 250 ms; every scrape's latency is kept. Keys: {@code faults_scrape_p50_ms}, {@code
 * _p99_ms}, {@code _worst_ms}, the scrape count, non-200 answers, scrapes that lacked the Zendesk
 * source's {@code cx_connector_up} or its last good KPI series, and the vendor requests per phase.
 */
final class FaultsBench implements Benchmark {
  static final int SCRAPERS = 8;

  /** Each scraper's pause between scrapes: 8 scrapers make 32 scrapes a second. */
  static final long PAUSE_MS = 250;

  @Override
  public String name() {
    return "faults";
  }

  @Override
  public Map<String, Object> run(boolean quick, Path work) throws Exception {
    Duration phase = Duration.ofSeconds(quick ? 8 : 20);
    Map<String, Object> out = new LinkedHashMap<>();
    ZendeskStub.Generated pages =
        ZendeskStub.generate(quick ? 5_000 : 20_000, ZendeskIngest.PER_PAGE, Instant.now());
    WireMockServer proxy = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    try (ZendeskStub stub = ZendeskStub.serving(pages)) {
      proxy.start();
      proxy.stubFor(
          any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(stub.baseUrl())));
      String yaml =
          """
          connectors:
            - {name: demo, type: demo, poll_interval: 5s}
            - name: zd
              type: zendesk
              base_url: "%s"
              auth: {email: ops@acme.example, token: bench-token}
              poll_interval: 1s
              backfill: 30d
              per_page: 1000
              export_requests_per_minute: 1000
              max_attempts: 2
              timeouts: {connect: 2s, read: 5s, call: 10s}
          """
              .formatted(proxy.baseUrl());
      try (TestApps.Running app = TestApps.start(work, yaml)) {
        URI metrics = URI.create("http://127.0.0.1:" + app.port() + "/metrics");
        awaitBackfill(metrics);
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> samples = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong missing = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(SCRAPERS);
        List<Future<long[]>> scrapers = new ArrayList<>();
        for (int i = 0; i < SCRAPERS; i++) {
          scrapers.add(pool.submit(() -> scrape(metrics, stop, errors, missing)));
        }
        Map<String, ResponseDefinitionBuilder> faults = new LinkedHashMap<>();
        faults.put("http_500", aResponse().withStatus(500));
        faults.put(
            "html_200",
            aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/html")
                .withBody("<html><body>Maintenance</body></html>"));
        faults.put(
            "truncated_json",
            aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"tickets\":[{\"id\":1,\"status\":\"op"));
        faults.put(
            "stall", aResponse().withFixedDelay((int) (phase.toMillis() * 2)).withStatus(200));
        faults.put(
            "http_429", aResponse().withStatus(429).withHeader("Retry-After", "5").withBody("{}"));
        faults.put("reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        faults.put("healthy", null);
        faults.put("http_401", aResponse().withStatus(401).withBody("{\"error\":\"Couldn't\"}"));
        long before = proxy.getAllServeEvents().size();
        Thread.sleep(phase.toMillis());
        for (var f : faults.entrySet()) {
          StubMapping m =
              f.getValue() == null
                  ? null
                  : proxy.stubFor(any(anyUrl()).atPriority(1).willReturn(f.getValue()));
          proxy.resetRequests();
          Thread.sleep(phase.toMillis());
          out.put("faults_vendor_requests_" + f.getKey(), proxy.getAllServeEvents().size());
          if (m != null) {
            proxy.removeStub(m);
          }
        }
        stop.set(true);
        long[] all = new long[0];
        for (Future<long[]> f : scrapers) {
          long[] s = f.get();
          long[] merged = Arrays.copyOf(all, all.length + s.length);
          System.arraycopy(s, 0, merged, all.length, s.length);
          all = merged;
        }
        pool.shutdown();
        samples.add(all);
        Arrays.sort(all);
        out.put("faults_phase_s", phase.toSeconds());
        out.put("faults_scrapers", SCRAPERS);
        out.put("faults_scrapes", all.length);
        out.put("faults_scrape_p50_ms", ms(all[all.length / 2]));
        out.put("faults_scrape_p99_ms", ms(all[(int) Math.min(all.length - 1, all.length * 0.99)]));
        out.put("faults_scrape_worst_ms", ms(all[all.length - 1]));
        out.put("faults_scrape_non_200", errors.get());
        out.put("faults_scrapes_missing_last_good_values", missing.get());
        out.put("faults_vendor_requests_before_faults", before);
        out.put("faults_load_average", ZendeskIngest.loadAverage());
      }
    } finally {
      proxy.stop();
    }
    return out;
  }

  static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  private static void awaitBackfill(URI metrics) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      String body =
          http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      if (body.contains(
              "cx_connector_backfill_progress_ratio{source=\"zd\",stream=\"tickets\"} 1.0")
          && body.contains("cx_tickets_open{")
          && body.contains("source=\"zd\"")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the Zendesk backfill did not finish in 3 minutes");
  }

  /** One closed-loop scraper; returns each scrape's latency in nanoseconds. */
  private static long[] scrape(URI uri, AtomicBoolean stop, AtomicLong errors, AtomicLong missing)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .header("Accept", "text/plain;version=0.0.4")
            .timeout(Duration.ofSeconds(30))
            .build();
    long[] lat = new long[1024];
    int n = 0;
    while (!stop.get()) {
      Thread.sleep(PAUSE_MS);
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      long d = System.nanoTime() - t0;
      if (n == lat.length) {
        lat = Arrays.copyOf(lat, n * 2);
      }
      lat[n++] = d;
      if (r.statusCode() != 200) {
        errors.incrementAndGet();
      } else if (!r.body().contains("cx_connector_up{source=\"zd\"}")
          || !r.body().contains("cx_kpi_first_response_seconds")
          || !zdKpi(r.body())) {
        missing.incrementAndGet();
      }
    }
    System.err.printf(Locale.ROOT, "   scraper: %d scrapes%n", n);
    return Arrays.copyOf(lat, n);
  }

  private static boolean zdKpi(String body) {
    int i = body.indexOf("cx_tickets_open{");
    while (i >= 0) {
      int end = body.indexOf('\n', i);
      if (body.substring(i, end).contains("source=\"zd\"")) {
        return true;
      }
      i = body.indexOf("cx_tickets_open{", end);
    }
    return false;
  }
}
