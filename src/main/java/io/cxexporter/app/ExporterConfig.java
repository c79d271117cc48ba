package io.cxexporter.app;

import io.cxexporter.alerting.AlertingConfig;
import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.ServerConfig;
import io.cxexporter.store.OnCorruption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole validated configuration: immutable, every value checked. Built by {@link ConfigLoader}.
 *
 * @param origin where it came from (a file path, or {@code built-in demo})
 * @param statePath the folder holding the SQLite state file
 * @param alerting the in-process alert rules and notifiers ({@link AlertingConfig#NONE} without an
 *     {@code alerting:} block)
 * @param onCorruption what a damaged state file does at start ({@code state.on_corruption}: move it
 *     aside and re-sync, or refuse to start)
 * @param shutdownTimeout how long a stop (SIGTERM) or a reload waits for the connectors' threads
 *     after cancelling their requests ({@code shutdown_timeout}, default 2 s: well inside Docker's
 *     10 s and Kubernetes' 30 s grace periods)
 */
public record ExporterConfig(
    String origin,
    ServerConfig server,
    Path statePath,
    KpiConfig kpi,
    List<ConnectorSpec> connectors,
    AlertingConfig alerting,
    OnCorruption onCorruption,
    Duration shutdownTimeout) {

  /** The default {@code shutdown_timeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  public ExporterConfig {
    connectors = List.copyOf(connectors);
  }

  /** This config with other server settings (a flag override). */
  public ExporterConfig withServer(ServerConfig s) {
    return new ExporterConfig(
        origin, s, statePath, kpi, connectors, alerting, onCorruption, shutdownTimeout);
  }
}
