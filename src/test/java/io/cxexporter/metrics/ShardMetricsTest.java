package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/** The shard gauges, shaped like kube-state-metrics' own so its alerts carry over. */
class ShardMetricsTest {

  private static String scrape(PrometheusRegistry registry) throws Exception {
    return LiveScrape.text(registry);
  }

  @Test
  void theOrdinalIsLabelAndValueAndTheTotalAPlainGauge() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    ShardMetrics.register(registry, 2, 3);

    String text = scrape(registry);

    assertThat(text.lines().filter(l -> !l.startsWith("#")))
        .containsExactlyInAnyOrder(
            "cx_exporter_shard_ordinal{shard_ordinal=\"2\"} 2.0", "cx_exporter_total_shards 3.0");
    assertThat(text)
        .contains("# TYPE cx_exporter_shard_ordinal gauge")
        .contains("# TYPE cx_exporter_total_shards gauge");
  }

  @Test
  void unshardedTheyReadZeroAndOne() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    ShardMetrics.register(registry, 0, 1);

    assertThat(scrape(registry).lines().filter(l -> !l.startsWith("#")))
        .containsExactlyInAnyOrder(
            "cx_exporter_shard_ordinal{shard_ordinal=\"0\"} 0.0", "cx_exporter_total_shards 1.0");
  }
}
