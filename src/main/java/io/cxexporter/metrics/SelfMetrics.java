package io.cxexporter.metrics;

import io.cxexporter.connector.ConnectorException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The exporter's health: connector up, freshness, sync duration, backfill progress, errors, config
 * reloads, snapshot refreshes and build info. Registered once per process; a reload keeps them.
 */
public final class SelfMetrics {
  /**
   * Every value of label {@code kind} of {@code cx_connector_errors_total} on a stream: the failed
   * reads ({@link io.cxexporter.connector.ConnectorException.Kind} in lower case, then {@code
   * store} and {@code internal}) and {@code mapping} for records a page could not map.
   */
  public static final List<String> ERROR_KINDS =
      Stream.concat(
              Arrays.stream(ConnectorException.Kind.values())
                  .map(k -> k.name().toLowerCase(Locale.ROOT)),
              Stream.of("store", "internal", "mapping"))
          .toList();

  public final Gauge connectorUp;
  public final Gauge unauthorized;
  public final Gauge lastSuccess;
  public final Gauge pollInterval;
  public final Gauge syncDuration;
  public final Gauge backfillProgress;
  public final Counter errors;
  public final Gauge reloadSuccessful;
  public final Gauge reloadTimestamp;
  public final Gauge snapshotDuration;
  public final Gauge snapshotTimestamp;

  /**
   * Times the state started empty: {@code reason="damaged"} when a damaged file was moved aside (at
   * start, or when the connection was reopened after a failure), {@code reason="deleted"} when the
   * file was deleted or replaced while running. Both series start at 0.
   */
  public final Counter stateResets;

  private SelfMetrics(PrometheusRegistry r, String version, String revision) {
    connectorUp =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_UP)
            .help("1 when the last read of every stream of the connector succeeded, else 0.")
            .labelNames("source")
            .register(r);
    unauthorized =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_UNAUTHORIZED)
            .help(
                "1 while the vendor rejects the connector's credentials (401/403); it then pauses"
                    + " 5 minutes between tries instead of retrying in a loop.")
            .labelNames("source")
            .register(r);
    lastSuccess =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_LAST_SUCCESS)
            .help(
                "When every stream of the connector last read a page successfully (the oldest"
                    + " of its streams), Unix time.")
            .unit(Unit.SECONDS)
            .labelNames("source")
            .register(r);
    pollInterval =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_POLL_INTERVAL)
            .help(
                "The connector's configured poll_interval; alert when the last success is older"
                    + " than a few of these.")
            .unit(Unit.SECONDS)
            .labelNames("source")
            .register(r);
    syncDuration =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_SYNC_DURATION)
            .help("Duration of the stream's last sync pass (read until caught up).")
            .unit(Unit.SECONDS)
            .labelNames("source", "stream")
            .register(r);
    backfillProgress =
        Gauge.builder()
            .name(MetricNames.CONNECTOR_BACKFILL)
            .help("How far the stream's first sync (backfill) has come, 0..1; 1 once caught up.")
            .unit(Unit.RATIO)
            .labelNames("source", "stream")
            .register(r);
    errors =
        Counter.builder()
            .name(MetricNames.CONNECTOR_ERRORS)
            .help(
                "Sync errors by kind: failed page reads (auth, rate_limited, transient,"
                    + " bad_response, permanent, feature_unavailable, store, internal), retried"
                    + " with the cursor kept; and records a page could not map (mapping), skipped"
                    + " while the rest of the page is applied.")
            .labelNames("source", "stream", "kind")
            .register(r);
    reloadSuccessful =
        Gauge.builder()
            .name(MetricNames.RELOAD_OK)
            .help("1 when the last config (re)load succeeded; 0 keeps the previous config running.")
            .register(r);
    reloadTimestamp =
        Gauge.builder()
            .name(MetricNames.RELOAD_TIME)
            .help("When the config was last loaded successfully, Unix time.")
            .unit(Unit.SECONDS)
            .register(r);
    snapshotDuration =
        Gauge.builder()
            .name(MetricNames.SNAPSHOT_DURATION)
            .help("How long the last KPI snapshot took to compute.")
            .unit(Unit.SECONDS)
            .register(r);
    snapshotTimestamp =
        Gauge.builder()
            .name(MetricNames.SNAPSHOT_TIME)
            .help("When the KPI snapshot served now was computed, Unix time.")
            .unit(Unit.SECONDS)
            .register(r);
    stateResets =
        Counter.builder()
            .name(MetricNames.STATE_RESETS)
            .help(
                "Times the state file started empty: damaged at start (moved aside to"
                    + " cx.db.corrupt-<time>) or deleted while running; the connectors then"
                    + " re-sync from their start.")
            .labelNames("reason")
            .register(r);
    stateResets.labelValues("damaged");
    stateResets.labelValues("deleted");
    Info build =
        Info.builder()
            .name(MetricNames.BUILD_INFO)
            .help("Build of cx-exporter; value 1.")
            .labelNames("version", "revision", "javaversion")
            .register(r);
    build.addLabelValues(version, revision, System.getProperty("java.version"));
  }

  /** Registers the self-metrics. */
  public static SelfMetrics register(PrometheusRegistry r, String version, String revision) {
    return new SelfMetrics(r, version, revision);
  }

  /**
   * Starts every error kind of a stream at 0, so {@code rate()}, {@code increase()} and the bundled
   * dashboards read 0 for a stream that never failed rather than no data.
   */
  public void initializeStream(String source, String stream) {
    for (String kind : ERROR_KINDS) {
      errors.labelValues(source, stream, kind);
    }
  }

  /**
   * Drops every series of a connector removed by a reload, so it neither shows as down nor keeps an
   * old freshness timestamp that would page as stale forever.
   */
  public void forget(String source) {
    for (Gauge g : new Gauge[] {connectorUp, unauthorized, lastSuccess, pollInterval}) {
      g.remove(source);
    }
    syncDuration.removeIf(l -> l.get(0).equals(source));
    backfillProgress.removeIf(l -> l.get(0).equals(source));
    errors.removeIf(l -> l.get(0).equals(source));
  }
}
