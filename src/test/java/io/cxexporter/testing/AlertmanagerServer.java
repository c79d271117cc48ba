package io.cxexporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Alertmanager (the Debian {@code prometheus-alertmanager} package) on 127.0.0.1, a free
 * port, clustering off and a temp storage folder.
 *
 * <pre>{@code
 * try (AlertmanagerServer am = AlertmanagerServer.start(dir, "route: {receiver: x}\n...")) {
 *   JsonNode alerts = am.alerts();
 * }
 * }</pre>
 */
public final class AlertmanagerServer extends LoopbackServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertmanagerServer(Path dir, Path config) throws IOException {
    super(
        "prometheus-alertmanager",
        "prometheus-alertmanager",
        dir,
        port ->
            List.of(
                "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--storage.path=" + dir.resolve("data")));
  }

  /** Writes {@code config} to {@code dir/alertmanager.yml}, starts it and waits until ready. */
  public static AlertmanagerServer start(Path dir, String config) throws IOException {
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(file, config);
    return new AlertmanagerServer(dir, file);
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  /** {@code GET /api/v2/alerts}: every alert it holds, active or not. */
  public JsonNode alerts() {
    try {
      return JSON.readTree(
          Http.get(
                  port(),
                  "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true")
              .body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
