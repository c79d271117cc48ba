package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.PrometheusProperties;
import org.junit.jupiter.api.Test;

/** client_java's settings from {@code prometheus.properties} on the class path. */
class ClientJavaPropertiesTest {
  @Test
  void exemplarsAreOffForEveryMetric() {
    assertThat(PrometheusProperties.get().getDefaultMetricProperties().getExemplarsEnabled())
        .isFalse();
  }
}
