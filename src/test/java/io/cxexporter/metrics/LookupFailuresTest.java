package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.RequestListener;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/**
 * A failed name lookup is counted per source and kind, and listed until it works again; the credits
 * a vendor charges are counted per endpoint.
 */
class LookupFailuresTest {
  final PrometheusRegistry registry = new PrometheusRegistry();
  final SelfMetrics self = SelfMetrics.register(registry, "test", "test");
  final RequestMetrics requests = RequestMetrics.register(registry, self.errors);

  @Test
  void aFailedLookupIsCountedAndShownUntilItRecovers() {
    RequestListener zd = requests.forSource("zd");
    zd.onLookupFailed("groups", "transient", "HTTP 502 from groups");
    zd.onLookupFailed("groups", "transient", "HTTP 502 from groups");
    zd.onLookupFailed("users", "permanent", "HTTP 404 from users/show_many");

    assertThat(self.errors.labelValues("zd", "lookup/groups", "transient").get()).isEqualTo(2);
    assertThat(self.errors.labelValues("zd", "lookup/users", "permanent").get()).isEqualTo(1);
    assertThat(requests.lookupFailures("zd"))
        .containsExactly(
            "groups: transient: HTTP 502 from groups",
            "users: permanent: HTTP 404 from users/show_many");
    assertThat(requests.lookupFailures("other")).isEmpty();

    zd.onLookupRecovered("groups");
    assertThat(requests.lookupFailures("zd"))
        .containsExactly("users: permanent: HTTP 404 from users/show_many");
    requests.forget("zd");
    assertThat(requests.lookupFailures("zd")).isEmpty();
  }

  @Test
  void creditsAreCountedPerEndpointAndForgottenWithTheirSource() throws Exception {
    RequestListener fd = requests.forSource("fd");
    fd.onCredits("tickets", 3);
    fd.onCredits("tickets", 3);
    fd.onCredits("groups", 1);
    String text = scrape();
    assertThat(text)
        .contains("cx_connector_request_credits_total{endpoint=\"tickets\",source=\"fd\"} 6.0")
        .contains("cx_connector_request_credits_total{endpoint=\"groups\",source=\"fd\"} 1.0");
    requests.forget("fd");
    assertThat(scrape()).doesNotContain("source=\"fd\"");
  }

  private String scrape() throws java.io.IOException {
    var out = new java.io.ByteArrayOutputStream();
    new io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter(false)
        .write(out, registry.scrape());
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
