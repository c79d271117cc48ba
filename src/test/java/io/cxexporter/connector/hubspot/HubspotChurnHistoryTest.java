package io.cxexporter.connector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.testing.RecordingSleeper;
import io.cxexporter.testing.TestConnectors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Churn without {@code churn_date_property}: a company churns when its lifecycle stage leaves
 * {@code customer}, read from the stage's history for only the companies that left it.
 *
 * <p>Now = 2026-11-18 13:00. Companies (customer date, lifecycle stage now):
 *
 * <pre>
 * 901 2025-01-10 customer      active, no history asked
 * 907 2026-01-01 evangelist    still a customer, no history asked
 * 902 2025-06-01 other         history: opportunity 2025-05-01, customer 2025-06-01, other 11-10 08:00
 * 905 2024-03-01 lead          history: customer 2024-03-01, other 11-17 10:00, lead 11-18 08:00
 * </pre>
 */
class HubspotChurnHistoryTest {
  static final String SEARCH = "/crm/v3/objects/companies/search";
  static final String BATCH = "/crm/v3/objects/companies/batch/read";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final RecordingRequests requests = new RecordingRequests();

  static String company(String id, String since, String stage, String modified) {
    return "{\"id\":\""
        + id
        + "\",\"properties\":{\"hs_lifecyclestage_customer_date\":\""
        + since
        + "\",\"lifecyclestage\":\""
        + stage
        + "\",\"createdate\":\"2024-01-01T00:00:00.000Z\",\"hs_lastmodifieddate\":\""
        + modified
        + "\"},\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"updatedAt\":\""
        + modified
        + "\",\"archived\":false}";
  }

  static String change(String value, String at) {
    return "{\"value\":\"" + value + "\",\"timestamp\":\"" + at + "\",\"sourceType\":\"CRM_UI\"}";
  }

  static final String HISTORY =
      "{\"status\":\"COMPLETE\",\"results\":["
          + "{\"id\":\"902\",\"properties\":{\"lifecyclestage\":\"other\"},"
          + "\"propertiesWithHistory\":{\"lifecyclestage\":["
          + change("other", "2026-11-10T08:00:00.000Z")
          + ","
          + change("customer", "2025-06-01T00:00:00.000Z")
          + ","
          + change("opportunity", "2025-05-01T00:00:00.000Z")
          + "]}},"
          // oldest first: the order HubSpot sends does not matter
          + "{\"id\":\"905\",\"properties\":{\"lifecyclestage\":\"lead\"},"
          + "\"propertiesWithHistory\":{\"lifecyclestage\":["
          + change("customer", "2024-03-01T00:00:00.000Z")
          + ","
          + change("other", "2026-11-17T10:00:00.000Z")
          + ","
          + change("lead", "2026-11-18T08:00:00.000Z")
          + "]}}],"
          + "\"startedAt\":\"2026-11-18T13:00:00Z\",\"completedAt\":\"2026-11-18T13:00:01Z\"}";

  static final String ASKED =
      "{\"inputs\":[{\"id\":\"902\"},{\"id\":\"905\"}],\"properties\":[\"lifecyclestage\"],"
          + "\"propertiesWithHistory\":[\"lifecyclestage\"]}";

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    String page =
        "{\"total\":4,\"results\":["
            + String.join(
                ",",
                List.of(
                    company("901", "2025-01-10T00:00:00.000Z", "customer", "2026-11-09T10:00:00Z"),
                    company("902", "2025-06-01T00:00:00.000Z", "other", "2026-11-10T08:00:00Z"),
                    company(
                        "907", "2026-01-01T00:00:00.000Z", "evangelist", "2026-11-12T10:00:00Z"),
                    company("905", "2024-03-01T00:00:00.000Z", "lead", "2026-11-18T08:00:00Z")))
            + "]}";
    vendor.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(okJson(page)));
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness() {
    return new SyncHarness(
        dir,
        TestConnectors.of(new HubspotConnectorFactory())
            .with("base_url", vendor.baseUrl())
            .with("token", "pat-SECRET")
            .with("streams", List.of("companies"))
            .with("max_attempts", 1)
            .build(new ConnectorContext(clock, requests, new RecordingSleeper(clock))),
        clock);
  }

  static Map<String, String> window(String w) {
    return Map.of("source", "vendor", "window", w);
  }

  @Test
  void aCompanyChurnsWhenItsStageFirstLeftCustomerAfterItsLastCustomerValue() {
    vendor.stubFor(
        post(urlPathEqualTo(BATCH))
            .withRequestBody(equalToJson(ASKED))
            .willReturn(okJson(HISTORY)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      KpiSnapshot s = h.snapshot();
      assertThat(s.value("customers", Map.of("source", "vendor", "state", "active")))
          .isEqualTo(2); // 901, 907 (an evangelist is still a customer)
      assertThat(s.value("customers", Map.of("source", "vendor", "state", "churned")))
          .isEqualTo(2); // 902 at 11-10 08:00, 905 at 11-17 10:00 (not at its later lead change)
      // 24h (from 11-17 13:00): 905 had already left; at the start 901, 907; none lost → 0
      assertThat(s.value("kpi_churn_ratio", window("24h"))).isEqualTo(0.0);
      // 7d (from 11-11 13:00): at the start 901, 905, 907; lost 905 → 1/3
      assertThat(s.value("kpi_churn_ratio", window("7d"))).isEqualTo(1.0 / 3);
      // 30d (from 10-19 13:00): at the start all four; lost 902 and 905 → 2/4
      assertThat(s.value("kpi_churn_ratio", window("30d"))).isEqualTo(0.5);
      // no MRR property configured: no MRR series
      assertThat(s.find("mrr", Map.of("source", "vendor"))).isEmpty();
    }
    // one search page and one history read for the two companies that left
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(2);
    assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo(BATCH)))).hasSize(1);
  }

  @Test
  void aFailedHistoryReadFailsThePageSoNoChurnedCompanyIsStoredActive() {
    vendor.stubFor(
        post(urlPathEqualTo(BATCH))
            .inScenario("history")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(502))
            .willSetStateTo("back"));
    vendor.stubFor(
        post(urlPathEqualTo(BATCH))
            .inScenario("history")
            .whenScenarioStateIs("back")
            .willReturn(okJson(HISTORY)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).containsKey("companies");
      assertThat(h.lastError("companies"))
          .startsWith("transient: HTTP 502 from companies/batch/read");
      assertThat(h.state("companies").cursor().isStart()).isTrue();
      assertThat(h.snapshot().find("customers", Map.of("source", "vendor"))).isEmpty();
      clock.advance(java.time.Duration.ofMinutes(10));
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.snapshot().value("customers", Map.of("source", "vendor", "state", "churned")))
          .isEqualTo(2);
    }
  }
}
