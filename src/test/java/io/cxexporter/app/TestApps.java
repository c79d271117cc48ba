package io.cxexporter.app;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Starts the real exporter for tests: on 127.0.0.1, a free port, state in a temp folder. */
public final class TestApps {
  private TestApps() {}

  /** A running exporter. */
  public record Running(App app, Path configFile, PrometheusRegistry registry)
      implements AutoCloseable {
    /** The running app itself. */
    public App app() {
      return app;
    }

    public int port() {
      return app.port();
    }

    /** Recomputes the KPI snapshot now instead of within the next second. */
    public void refresh() {
      app.pipeline().publisher.refresh();
    }

    @Override
    public void close() {
      app.close();
    }
  }

  /**
   * Starts the exporter with {@code yaml} (its {@code server} and {@code state} are overridden to
   * loopback, port 0 and {@code dir}).
   */
  public static Running start(Path dir, String yaml) {
    return startWithServer(dir, "", yaml);
  }

  /** Like {@link #start}, with extra {@code server:} keys (flow style, without braces). */
  public static Running startWithServer(Path dir, String serverKeys, String yaml) {
    try {
      Path file = dir.resolve("cx.yml");
      String text =
          "server: {listen_address: \"127.0.0.1:0\""
              + (serverKeys.isEmpty() ? "" : ", " + serverKeys)
              + "}\nstate: {path: \""
              + dir.resolve("state")
              + "\"}\n"
              + yaml;
      Files.writeString(file, text);
      ConfigLoader loader = ConfigLoader.standard();
      ExporterConfig config = loader.load(file);
      PrometheusRegistry registry = new PrometheusRegistry();
      // as started with --web.enable-lifecycle: tests reload with POST /-/reload
      return new Running(
          App.start(
              config,
              io.cxexporter.web.WebServer.Options.DEFAULTS.withLifecycle(true),
              loader,
              file,
              registry,
              Clock.systemUTC()),
          file,
          registry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (io.cxexporter.config.ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
