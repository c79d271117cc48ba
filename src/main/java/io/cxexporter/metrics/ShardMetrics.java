package io.cxexporter.metrics;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * This replica's shard, as kube-state-metrics exposes its own ({@code
 * kube_state_metrics_shard_ordinal}, {@code kube_state_metrics_total_shards}): {@code
 * cx_exporter_shard_ordinal{shard_ordinal="N"} N} and {@code cx_exporter_total_shards M}. Always
 * present, also unsharded (0 and 1), so the alerts {@code CxExporterShardingMismatch} and {@code
 * CxExporterShardsMissing} can compare the replicas of one job.
 *
 * <pre>{@code
 * ShardMetrics.register(registry, 1, 3);
 * }</pre>
 */
public final class ShardMetrics {
  private ShardMetrics() {}

  /**
   * Registers both gauges with their fixed values (the flags do not change while the process runs).
   */
  public static void register(PrometheusRegistry r, int shard, int total) {
    Gauge ordinal =
        Gauge.builder()
            .name(MetricNames.SHARD_ORDINAL)
            .help(
                "The shard of this replica (--shard, zero-indexed), as label and value; it runs"
                    + " the connectors whose name hashes to it.")
            .labelNames("shard_ordinal")
            .register(r);
    ordinal.labelValues(Integer.toString(shard)).set(shard);
    Gauge.builder()
        .name(MetricNames.TOTAL_SHARDS)
        .help("The number of shards (--total-shards); 1 when sharding is off.")
        .register(r)
        .set(total);
  }
}
