package io.cxexporter.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.ExporterFilterProperties;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * {@code /metrics}: client_java's {@link PrometheusScrapeHandler}, with the KPI snapshot's families
 * served as text rendered once per refresh instead of once per scrape.
 *
 * <p>For a plain {@code GET} (no {@code name[]} or {@code debug} parameters) asking for the
 * Prometheus text format or OpenMetrics 1.0, it writes what the handler would, byte for byte: the
 * other collectors' families rendered now by the same writer, and the {@link SnapshotCollector}'s
 * families from {@link SnapshotCollector.Prepared#blocks}, merged in the registry's name order;
 * same headers, gzip when asked. Everything else (protobuf, OpenMetrics 2, filters, debug, HEAD,
 * created timestamps or name filters configured in {@code prometheus.properties}) goes to the
 * handler itself.
 */
public final class ScrapeHandler {
  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.UTF_8);

  private final PrometheusRegistry registry;
  private final PrometheusScrapeHandler handler;
  private final ExpositionFormats formats;
  private final boolean preferUncompressed;
  private final boolean prerendered;

  public ScrapeHandler(PrometheusRegistry registry) {
    this(PrometheusProperties.get(), registry);
  }

  public ScrapeHandler(PrometheusProperties config, PrometheusRegistry registry) {
    this.registry = registry;
    this.handler = new PrometheusScrapeHandler(config, registry);
    this.formats = ExpositionFormats.init(config);
    this.preferUncompressed =
        config.getExporterHttpServerProperties().isPreferUncompressedResponse();
    ExporterFilterProperties f = config.getExporterFilterProperties();
    // created timestamps go after every family in the text format: no merging by family then
    this.prerendered =
        f.getAllowedMetricNames() == null
            && f.getExcludedMetricNames() == null
            && f.getAllowedMetricNamePrefixes() == null
            && f.getExcludedMetricNamePrefixes() == null
            && !config.getExporterProperties().getIncludeCreatedTimestamps();
  }

  public void handleRequest(PrometheusHttpExchange exchange) throws IOException {
    PrometheusHttpRequest request = exchange.getRequest();
    SnapshotCollector collector = prerendered ? SnapshotCollector.registeredIn(registry) : null;
    String query = request.getQueryString();
    String accept = request.getHeader("Accept");
    ExpositionFormatWriter writer = formats.findWriter(accept);
    if (collector == null
        || !"GET".equals(request.getMethod())
        || (query != null && !query.isEmpty())
        || !(writer.getClass() == PrometheusTextFormatWriter.class
            || writer.getClass() == OpenMetricsTextFormatWriter.class)) {
      handler.handleRequest(exchange);
      return;
    }
    try {
      EscapingScheme scheme = EscapingScheme.fromAcceptHeader(accept, EscapingScheme.DEFAULT);
      SnapshotCollector.Prepared cached = collector.prepared();
      byte[][] blocks = cached.blocks(writer, scheme);
      MetricSnapshots others = registry.scrape(name -> !cached.nameSet.contains(name), request);
      List<byte[]> parts = new ArrayList<>();
      List<MetricSnapshot> run = new ArrayList<>();
      int j = 0;
      for (MetricSnapshot s : others) {
        String name = s.getMetadata().getPrometheusName();
        for (; j < blocks.length && cached.names.get(j).compareTo(name) < 0; j++) {
          flush(writer, run, scheme, parts);
          parts.add(blocks[j]);
        }
        run.add(s);
      }
      flush(writer, run, scheme, parts);
      parts.addAll(Arrays.asList(blocks).subList(j, blocks.length));
      if (writer instanceof OpenMetricsTextFormatWriter) {
        parts.add(EOF);
      }
      PrometheusHttpResponse response = exchange.getResponse();
      response.setHeader("Content-Type", writer.getContentType());
      if (gzip(request)) {
        response.setHeader("Content-Encoding", "gzip");
        try (GZIPOutputStream out = new GZIPOutputStream(response.sendHeadersAndGetBody(200, 0))) {
          for (byte[] p : parts) {
            out.write(p);
          }
        }
      } else {
        int length = 0;
        for (byte[] p : parts) {
          length += p.length;
        }
        if (length > 0) {
          response.setHeader("Content-Length", String.valueOf(length));
        }
        try (OutputStream out = response.sendHeadersAndGetBody(200, length)) {
          for (byte[] p : parts) {
            out.write(p);
          }
        }
      }
    } catch (IOException e) {
      exchange.handleException(e);
    } catch (RuntimeException e) {
      exchange.handleException(e);
    } finally {
      exchange.close();
    }
  }

  private static void flush(
      ExpositionFormatWriter writer,
      List<MetricSnapshot> run,
      EscapingScheme scheme,
      List<byte[]> parts)
      throws IOException {
    if (!run.isEmpty()) {
      parts.add(render(writer, new MetricSnapshots(run), scheme));
      run.clear();
    }
  }

  /** The families' text; without the {@code # EOF} line OpenMetrics ends with. */
  static byte[] render(
      ExpositionFormatWriter writer, MetricSnapshots snapshots, EscapingScheme scheme) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      writer.write(out, snapshots, scheme);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    byte[] b = out.toByteArray();
    if (writer instanceof OpenMetricsTextFormatWriter
        && b.length >= EOF.length
        && Arrays.equals(b, b.length - EOF.length, b.length, EOF, 0, EOF.length)) {
      return Arrays.copyOf(b, b.length - EOF.length);
    }
    return b;
  }

  /** The handler's rule: gzip when any Accept-Encoding lists it, unless configured otherwise. */
  private boolean gzip(PrometheusHttpRequest request) {
    if (preferUncompressed) {
      return false;
    }
    Enumeration<String> headers = request.getHeaders("Accept-Encoding");
    if (headers == null) {
      return false;
    }
    while (headers.hasMoreElements()) {
      for (String encoding : headers.nextElement().split(",")) {
        if (encoding.trim().equalsIgnoreCase("gzip")) {
          return true;
        }
      }
    }
    return false;
  }
}
