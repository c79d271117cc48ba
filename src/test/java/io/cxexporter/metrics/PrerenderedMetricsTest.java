package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** {@link ScrapeHandler} answers exactly as client_java's own handler, pre-rendered or not. */
class PrerenderedMetricsTest {
  static final List<String> ACCEPTS =
      java.util.Arrays.asList(
          null,
          "text/plain;version=0.0.4",
          "text/plain; version=0.0.4; charset=utf-8; escaping=underscores",
          "application/openmetrics-text;version=1.0.0",
          "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
              + "application/openmetrics-text;version=0.0.1;q=0.5,"
              + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
              + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
          "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
              + "encoding=delimited");

  final PrometheusRegistry registry = new PrometheusRegistry();
  final SnapshotCollector collector = SnapshotCollector.register(registry);

  PrerenderedMetricsTest() {
    Counter.builder()
        .name("cx_tickets_created_total")
        .help("Created.")
        .labelNames("source", "group")
        .register(registry)
        .labelValues("zd", "Billing")
        .inc(3);
    Histogram h =
        Histogram.builder()
            .name("cx_ticket_first_response_seconds")
            .help("First response.")
            .labelNames("source")
            .classicUpperBounds(MetricNames.SERVICE_TIME_BUCKETS)
            .register(registry);
    h.labelValues("zd").observe(120);
    h.labelValues("zd").observe(7200);
    Gauge.builder().name("cx_connector_up").help("Up.").labelNames("source").register(registry);
    Info.builder()
        .name("cx_build_info")
        .help("Build.")
        .labelNames("version")
        .register(registry)
        .addLabelValues("1.0");
    collector.update(snapshot(1));
  }

  static KpiSnapshot snapshot(double v) {
    return new KpiSnapshot(
        Instant.EPOCH,
        List.of(
            new KpiSeries("tickets_open", List.of("source", "status"), List.of("zd", "open"), v),
            new KpiSeries("sla_at_risk_tickets", List.of("source"), List.of("zd"), 2 * v),
            new KpiSeries(
                "kpi_csat_ratio", List.of("source", "window"), List.of("zd", "7d"), v / 3),
            new KpiSeries(
                "kpi_first_response_seconds",
                List.of("source", "group", "window", "hours", "stat"),
                List.of("zd", "Bill\"ing\\\n", "1h", "calendar", "p50"),
                1e-7 * v),
            new KpiSeries("kpi_target", List.of("kpi"), List.of("csat_ratio"), 0.85)));
  }

  @Test
  void answersAsTheClientJavaHandlerInEveryFormat() throws IOException {
    for (int round = 1; round <= 2; round++) {
      for (String accept : ACCEPTS) {
        for (String encoding : java.util.Arrays.asList(null, "gzip, deflate")) {
          for (String query : java.util.Arrays.asList(null, "name[]=cx_kpi_csat_ratio")) {
            Exchange ours = new Exchange(accept, encoding, query);
            new ScrapeHandler(registry).handleRequest(ours);
            Exchange theirs = new Exchange(accept, encoding, query);
            new PrometheusScrapeHandler(registry).handleRequest(theirs);
            String what = accept + " / " + encoding + " / " + query + " / round " + round;
            assertThat(ours.status).as(what).isEqualTo(theirs.status).isEqualTo(200);
            assertThat(ours.headers).as(what).isEqualTo(theirs.headers);
            assertThat(ours.body()).as(what).isEqualTo(theirs.body());
          }
        }
      }
      // text 0.0.4, OpenMetrics with 2 escaping schemes; rendered again at each update
      assertThat(collector.prepared().renderedCount()).isEqualTo(3);
      collector.update(snapshot(round + 1));
      assertThat(collector.prepared().renderedCount()).isEqualTo(3);
    }
    String text = new String(scrape("text/plain;version=0.0.4"), StandardCharsets.UTF_8);
    assertThat(text)
        .contains("cx_tickets_open{source=\"zd\",status=\"open\"} 3.0\n")
        .contains("cx_tickets_created_total{group=\"Billing\",source=\"zd\"} 3.0\n");
    assertThat(text.indexOf("# TYPE cx_connector_up"))
        .isLessThan(text.indexOf("# TYPE cx_kpi_csat_ratio"));
  }

  private byte[] scrape(String accept) throws IOException {
    Exchange e = new Exchange(accept, null, null);
    new ScrapeHandler(registry).handleRequest(e);
    return e.body();
  }

  /** An exchange that records the response. */
  static final class Exchange implements PrometheusHttpExchange {
    final Map<String, String> requestHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final String query;
    final Map<String, String> headers = new TreeMap<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;

    Exchange(String accept, String encoding, String query) {
      if (accept != null) {
        requestHeaders.put("Accept", accept);
      }
      if (encoding != null) {
        requestHeaders.put("Accept-Encoding", encoding);
      }
      this.query = query;
    }

    byte[] body() throws IOException {
      if ("gzip".equals(headers.get("Content-Encoding"))) {
        try (GZIPInputStream in =
            new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
          return in.readAllBytes();
        }
      }
      return out.toByteArray();
    }

    @Override
    public PrometheusHttpRequest getRequest() {
      return new PrometheusHttpRequest() {
        @Override
        public String getQueryString() {
          return query;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
          String v = requestHeaders.get(name);
          return v == null ? null : Collections.enumeration(List.of(v));
        }

        @Override
        public String getMethod() {
          return "GET";
        }

        @Override
        public String getRequestPath() {
          return "/metrics";
        }
      };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
      return new PrometheusHttpResponse() {
        @Override
        public void setHeader(String name, String value) {
          headers.put(name, value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
          status = statusCode;
          return out;
        }
      };
    }

    @Override
    public void handleException(IOException e) throws IOException {
      throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
      throw e;
    }

    @Override
    public void close() {}
  }
}
