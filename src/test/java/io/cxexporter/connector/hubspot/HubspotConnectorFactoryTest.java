package io.cxexporter.connector.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.TestConnectors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing a {@code hubspot} block: problems name their key, secrets never show, defaults. */
class HubspotConnectorFactoryTest {
  static List<String> problems(Map<String, Object> block) {
    return TestConnectors.of(new HubspotConnectorFactory()).with(block).problems();
  }

  @Test
  void theTokenIsRequiredAndTheBaseUrlIsHubSpots() {
    assertThat(problems(Map.of("name", "hs", "type", "hubspot")))
        .containsExactly(
            "connectors[0].token: required (or token_file): a private app's access token");
    HubspotOptions o =
        TestConnectors.of(new HubspotConnectorFactory()).with("token", "t").options();
    assertThat(o.common().baseUrl().toString()).isEqualTo("https://api.hubapi.com/");
  }

  @Test
  void badValuesNameTheirKeyAndNeverTheSecret() {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("name", "hs");
    block.put("type", "hubspot");
    block.put("base_url", "api.hubapi.com");
    block.put("token", "pat-na1-SECRET");
    block.put("limit", 500);
    block.put("max_results_per_query", 20_000);
    block.put("search_requests_per_second", 0);
    block.put("overlap", "2h");
    block.put("streams", List.of("tickets", "contacts"));
    block.put("stage_statuses", Map.of("Waiting on contact", "waiting"));
    block.put("churn_date_property", "Churn Date");
    block.put("mrr_property", "mrr");
    block.put("portal_id", "acme");
    List<String> problems = problems(block);
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "connectors[0].base_url: expected an http(s) URL like https://api.hubapi.com, got"
                + " \"api.hubapi.com\"",
            "connectors[0].limit: must be between 1 and 200, got 500",
            "connectors[0].max_results_per_query: must be between 1 and 10000, got 20000",
            "connectors[0].search_requests_per_second: must be between 1 and 100, got 0",
            "connectors[0].overlap: expected 0s to 1h, got PT2H",
            "connectors[0].streams: expected some of tickets, feedback_submissions, companies,"
                + " deals, got \"contacts\"",
            "connectors[0].stage_statuses.Waiting on contact: expected one of new, open, pending,"
                + " on_hold, solved, closed, got \"waiting\"",
            "connectors[0].churn_date_property: expected a property's internal name (lower case,"
                + " digits, _), got \"Churn Date\"",
            "connectors[0].portal_id: expected the account's numeric Hub ID, got \"acme\"")
        .noneSatisfy(m -> assertThat(m).contains("SECRET"));
  }

  @Test
  void aResultsCapBelowOnePageIsAProblem() {
    assertThat(
            problems(
                Map.of(
                    "name",
                    "hs",
                    "type",
                    "hubspot",
                    "token",
                    "t",
                    "limit",
                    100,
                    "max_results_per_query",
                    50)))
        .containsExactly(
            "connectors[0].max_results_per_query: must be at least limit (100), got 50");
  }

  @Test
  void defaults() {
    HubspotOptions o =
        TestConnectors.of(new HubspotConnectorFactory())
            .with("token", "pat-na1-SECRET")
            .with("stage_statuses", Map.of("Waiting on contact", "pending", "4", "closed"))
            .options();
    assertThat(o.streams())
        .containsExactlyInAnyOrder("tickets", "feedback_submissions", "companies", "deals");
    assertThat(o.limit()).isEqualTo(200);
    assertThat(o.maxResultsPerQuery()).isEqualTo(10_000);
    assertThat(o.pagesPerQuery()).as("10,000 results ÷ 200 a page").isEqualTo(50);
    assertThat(o.searchRequestsPerSecond()).isEqualTo(4);
    assertThat(o.overlap()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.churnDateProperty()).isNull();
    assertThat(o.mrrProperty()).isNull();
    assertThat(o.portalId()).isNull();
    assertThat(o.common().backfill()).isEqualTo(Duration.ofDays(90));
    assertThat(o.stageStatuses())
        .containsEntry("Waiting on contact", TicketStatus.PENDING)
        .containsEntry("4", TicketStatus.CLOSED);
    assertThat(o.toString()).as("the options never show the token").doesNotContain("SECRET");
  }

  @Test
  void someStreamsOnly() {
    HubspotOptions o =
        TestConnectors.of(new HubspotConnectorFactory())
            .with("token", "t")
            .with("streams", List.of("companies", "deals"))
            .options();
    assertThat(o.streams()).containsExactlyInAnyOrder("companies", "deals");
    assertThat(
            TestConnectors.of(new HubspotConnectorFactory())
                .with("token", "t")
                .with("streams", List.of("companies", "deals"))
                .build(new io.cxexporter.connector.ConnectorContext(java.time.Clock.systemUTC()))
                .streams())
        .extracting(s -> s.name())
        .containsExactly("companies", "deals");
  }

  @Test
  void anEmptyStreamListIsAProblem() {
    assertThat(
            problems(Map.of("name", "hs", "type", "hubspot", "token", "t", "streams", List.of())))
        .containsExactly(
            "connectors[0].streams: must name at least one of tickets, feedback_submissions,"
                + " companies, deals");
  }
}
