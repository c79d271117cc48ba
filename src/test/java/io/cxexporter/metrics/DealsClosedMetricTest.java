package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.kpi.SeenLabels;
import io.cxexporter.kpi.Transition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cx_deals_closed_total{source,outcome}}: both outcomes start at 0, each close counts 1. */
class DealsClosedMetricTest {
  final PrometheusRegistry registry = new PrometheusRegistry();
  final TransitionMetrics metrics =
      TransitionMetrics.register(registry, List.of("group", "priority", "channel"));

  @Test
  void bothOutcomesStartAtZeroAndACloseCountsOnce() throws Exception {
    metrics.initialize(new SeenLabels(List.of(), List.of(), List.of("crm"), false, List.of()));
    assertThat(scrape())
        .contains("cx_deals_closed_total{outcome=\"won\",source=\"crm\"} 0.0")
        .contains("cx_deals_closed_total{outcome=\"lost\",source=\"crm\"} 0.0");

    metrics.record(
        List.of(
            new Transition(
                Transition.Type.DEAL_CLOSED,
                "crm",
                List.of(),
                Double.NaN,
                Double.NaN,
                "won",
                null)));

    assertThat(scrape())
        .contains("cx_deals_closed_total{outcome=\"won\",source=\"crm\"} 1.0")
        .contains("cx_deals_closed_total{outcome=\"lost\",source=\"crm\"} 0.0");
  }

  private String scrape() throws Exception {
    return LiveScrape.text(registry);
  }
}
