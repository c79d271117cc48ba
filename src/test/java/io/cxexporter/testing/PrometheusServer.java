package io.cxexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Prometheus (the Debian {@code prometheus} package) on 127.0.0.1, a free port and a temp
 * TSDB, for tests that check what users will actually run: rules loading, dashboard queries.
 *
 * <pre>{@code
 * try (PrometheusServer prom = PrometheusServer.start(dir, "global: {scrape_interval: 2s}\n...")) {
 *   JsonNode r = prom.query("up");
 * }
 * }</pre>
 */
public final class PrometheusServer extends LoopbackServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PrometheusServer(Path dir, Path config, List<String> flags) throws IOException {
    super(
        "prometheus",
        "prometheus",
        dir,
        port -> {
          List<String> args =
              new java.util.ArrayList<>(
                  List.of(
                      "--config.file=" + config,
                      "--web.listen-address=127.0.0.1:" + port,
                      "--storage.tsdb.path=" + dir.resolve("tsdb"),
                      "--web.enable-lifecycle"));
          args.addAll(flags);
          return args;
        });
  }

  /**
   * Writes {@code config} to {@code dir/prometheus.yml}, starts Prometheus and waits until ready.
   */
  public static PrometheusServer start(Path dir, String config) throws IOException {
    return start(dir, config, List.of());
  }

  /**
   * Like {@link #start(Path, String)}, with more flags (such as {@code
   * --storage.tsdb.retention.time=60d}). Its TSDB is {@code dir/tsdb}: blocks put there before the
   * start are served.
   */
  public static PrometheusServer start(Path dir, String config, List<String> flags)
      throws IOException {
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    return new PrometheusServer(dir, file, flags);
  }

  /**
   * {@code GET /api/v1/query}: the whole answer, errors too ({@code status: error}, {@code
   * errorType: bad_data} for a query that does not parse).
   */
  public JsonNode query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** GETs an API path and parses the JSON answer, whatever its HTTP status. */
  public JsonNode get(String pathAndQuery) {
    try {
      return JSON.readTree(Http.get(port(), pathAndQuery).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
