package io.cxexporter.connector.freshdesk;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.TestConnectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing a {@code freshdesk} block: problems name their key, secrets never show. */
class FreshdeskConnectorFactoryTest {
  static List<String> problems(Map<String, Object> block) {
    return TestConnectors.of(new FreshdeskConnectorFactory()).with(block).problems();
  }

  @Test
  void baseUrlAndApiKeyAreRequired() {
    assertThat(problems(Map.of("name", "fd", "type", "freshdesk")))
        .containsExactly(
            "connectors[0].base_url: required",
            "connectors[0].api_key: required (or api_key_file)");
  }

  @Test
  void badValuesNameTheirKeyAndNeverTheSecret() {
    List<String> problems =
        problems(
            Map.of(
                "name",
                "fd",
                "type",
                "freshdesk",
                "base_url",
                "https://acme.freshdesk.com",
                "api_key",
                "key-SECRET",
                "per_page",
                500,
                "list_requests_per_minute",
                0,
                "max_pages_per_query",
                301,
                "overlap",
                "2h",
                "custom_statuses",
                Map.of("Waiting on Customer", "waiting")));
    assertThat(problems)
        .hasSize(5)
        .anySatisfy(
            m -> assertThat(m).isEqualTo("connectors[0].overlap: expected 0s to 1h, got PT2H"))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].per_page: "))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].list_requests_per_minute: "))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].max_pages_per_query: "))
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo(
                        "connectors[0].custom_statuses.Waiting on Customer: expected one of new,"
                            + " open, pending, on_hold, solved, closed, got \"waiting\""))
        .noneSatisfy(m -> assertThat(m).contains("key-SECRET"));
  }

  @Test
  void defaultsAndCustomStatuses() {
    FreshdeskOptions o =
        TestConnectors.of(new FreshdeskConnectorFactory())
            .with("base_url", "https://acme.freshdesk.com")
            .with("api_key", "k")
            .with("custom_statuses", Map.of("Waiting on Customer", "pending", "7", "solved"))
            .options();
    assertThat(o.perPage()).isEqualTo(100);
    assertThat(o.listRequestsPerMinute()).isEqualTo(20);
    assertThat(o.maxPagesPerQuery()).isEqualTo(300);
    assertThat(o.overlap()).isEqualTo(java.time.Duration.ofMinutes(1));
    assertThat(o.customStatuses())
        .containsEntry("Waiting on Customer", TicketStatus.PENDING)
        .containsEntry("7", TicketStatus.SOLVED);
  }
}
