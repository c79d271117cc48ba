package io.cxexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
public final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final int port;
  private final Path log;

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Writes {@code config} to {@code dir/prometheus.yml}, starts Prometheus and waits until ready.
   */
  public static PrometheusServer start(Path dir, String config) throws IOException {
    Path bin = Tools.require("prometheus", "prometheus");
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                bin.toString(),
                "--config.file=" + file,
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.enable-lifecycle")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer s = new PrometheusServer(p, port, log);
    boolean ready = Http.await(Duration.ofSeconds(30), () -> p.isAlive() && answers(port));
    if (!ready) {
      s.close();
      throw new AssertionError("prometheus did not get ready:\n" + s.log());
    }
    return s;
  }

  private static boolean answers(int port) {
    try {
      return Http.get(port, "/-/ready").statusCode() == 200;
    } catch (IllegalStateException e) {
      return false; // not listening yet
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  /** Prometheus' own log so far, for assertion messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
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
      return JSON.readTree(Http.get(port, pathAndQuery).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
