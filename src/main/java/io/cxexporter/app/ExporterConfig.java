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
 * @param fingerprint a keyed digest of every setting but the connectors (environment variables
 *     substituted, the files named by {@code *_file} keys read), so a reload tells a change of
 *     connectors only from any other; null when unknown (a reload then restarts everything). Never
 *     shown: it covers secrets
 */
public record ExporterConfig(
    String origin,
    ServerConfig server,
    Path statePath,
    KpiConfig kpi,
    List<ConnectorSpec> connectors,
    AlertingConfig alerting,
    OnCorruption onCorruption,
    Duration shutdownTimeout,
    String fingerprint) {

  /** The default {@code shutdown_timeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  public ExporterConfig {
    connectors = List.copyOf(connectors);
  }

  /** A config without a fingerprint: every reload away from it restarts everything. */
  public ExporterConfig(
      String origin,
      ServerConfig server,
      Path statePath,
      KpiConfig kpi,
      List<ConnectorSpec> connectors,
      AlertingConfig alerting,
      OnCorruption onCorruption,
      Duration shutdownTimeout) {
    this(origin, server, statePath, kpi, connectors, alerting, onCorruption, shutdownTimeout, null);
  }

  /** This config with other server settings (a flag override). */
  public ExporterConfig withServer(ServerConfig s) {
    return new ExporterConfig(
        origin,
        s,
        statePath,
        kpi,
        connectors,
        alerting,
        onCorruption,
        shutdownTimeout,
        fingerprint);
  }

  /** This config with other connectors (a flag override, e.g. a shard's share). */
  public ExporterConfig withConnectors(List<ConnectorSpec> c) {
    return new ExporterConfig(
        origin, server, statePath, kpi, c, alerting, onCorruption, shutdownTimeout, fingerprint);
  }

  /**
   * Whether {@code next} differs from this config in its connectors at most, so a reload can start,
   * stop and restart connectors one by one and leave the rest (KPI engine, alerting, state)
   * running. False when either fingerprint is unknown.
   */
  public boolean sameBesidesConnectors(ExporterConfig next) {
    return fingerprint != null
        && fingerprint.equals(next.fingerprint)
        && server.equals(next.server)
        && statePath.equals(next.statePath)
        && kpi.equals(next.kpi)
        && onCorruption == next.onCorruption
        && shutdownTimeout.equals(next.shutdownTimeout);
  }

  @Override
  public String toString() {
    return "ExporterConfig[" + origin + ", " + connectors.size() + " connector(s)]";
  }
}
