package io.cxexporter.connector.zendesk;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cxexporter.connector.ConnectorContractTest.sum;
import static io.cxexporter.connector.RecipeCrossCheck.backlog;
import static io.cxexporter.connector.RecipeCrossCheck.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.app.ConnectorSpec;
import io.cxexporter.config.ConfigException;
import io.cxexporter.connector.RecipeCrossCheck;
import io.cxexporter.connector.RecipeCrossCheck.Run;
import io.cxexporter.kpi.KpiSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Zendesk recipe of {@code examples/generic/zendesk.yml} ({@code type: http_json}, loaded by
 * the real config loader) against the native {@code zendesk} connector, on the native connector's
 * own stubs ({@link ZendeskConnectorTest#stubFixtures}) plus one: the recipe's agent names come
 * from the list of agents and admins ({@code users-agents.json}), as http_json lookups are whole
 * tables. Every KPI series must be the same (name, labels but {@code source}, value), after the
 * backfill and after a restart, but for the SLA families.
 */
class ZendeskRecipeCrossCheckTest {
  static final Path RECIPE = Path.of("examples/generic/zendesk.yml");

  /**
   * The SLA families, left out of the comparison: the native connector reads Zendesk's SLA clocks
   * from the ticket metric events and the SLA policies; http_json has no SLA event streams (a
   * documented limit), so the recipe has no attainment series and no ticket at risk.
   */
  static final Set<String> SLA_FAMILIES = Set.of("kpi_sla_attainment_ratio", "sla_at_risk_tickets");

  WireMockServer vendor;
  @TempDir Path dir;

  @BeforeEach
  void startVendor() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    ZendeskConnectorTest.stubFixtures(vendor);
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/users.json"))
            .willReturn(okJson(ZendeskConnectorTest.fixture("users-agents.json"))));
  }

  @AfterEach
  void stopVendor() {
    vendor.stop();
  }

  Map<String, String> env() {
    return Map.of(
        "ZD_URL", vendor.baseUrl(), "ZD_EMAIL", "ops@acme.example", "ZD_TOKEN", "tok-SECRET");
  }

  Run nativeRun() {
    return RecipeCrossCheck.run(
        vendor,
        dir.resolve("native"),
        ZendeskConnectorTest.NOW,
        ctx -> ZendeskConnectorTest.builder(vendor.baseUrl()).build(ctx));
  }

  Run recipeRun() throws ConfigException {
    ConnectorSpec recipe = RecipeCrossCheck.connector(RECIPE, env());
    assertThat(recipe.name()).isEqualTo("zendesk");
    return RecipeCrossCheck.run(
        vendor, dir.resolve("recipe"), ZendeskConnectorTest.NOW, recipe::create);
  }

  @Test
  void theRecipePassesTheConfigCheckWithItsEnvironmentAndNamesWhatIsMissing() throws Exception {
    assertThat(RecipeCrossCheck.load(RECIPE, env()).connectors())
        .singleElement()
        .satisfies(c -> assertThat(c.type()).isEqualTo("http_json"));
    assertThatThrownBy(() -> RecipeCrossCheck.load(RECIPE, Map.of("ZD_URL", vendor.baseUrl())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ZD_EMAIL")
        .hasMessageContaining("ZD_TOKEN");
  }

  @Test
  void theRecipeExportsExactlyTheNativeConnectorsKpisButTheSlaClocks() throws Exception {
    Run nat = nativeRun();
    Run recipe = recipeRun();
    // not two empty snapshots: the native connector's own numbers (ZendeskConnectorTest)
    for (Map.Entry<String, KpiSnapshot> e :
        Map.of("vendor", nat.backfilled(), "zendesk", recipe.backfilled()).entrySet()) {
      String src = e.getKey();
      KpiSnapshot s = e.getValue();
      assertThat(backlog(s, src)).as(src).isEqualTo(1); // 103 pending; 104 deleted
      assertThat(value(s, src, "kpi_tickets_solved", "window", "24h")).as(src).isEqualTo(2);
      assertThat(value(s, src, "kpi_tickets_created", "window", "24h")).as(src).isEqualTo(3);
      // 103: two group stations
      assertThat(value(s, src, "kpi_escalation_ratio", "window", "24h")).as(src).isEqualTo(1.0 / 3);
      assertThat(
              value(
                  s,
                  src,
                  "kpi_first_response_seconds",
                  "window",
                  "24h",
                  "hours",
                  "business",
                  "stat",
                  "p90"))
          .as(src)
          .isEqualTo(2700);
      // 501 good, 502 bad, 504 good_with_comment; 503 offered: skipped
      assertThat(value(s, src, "kpi_csat_ratio", "window", "24h")).as(src).isEqualTo(2.0 / 3);
    }
    // what the recipe lacks: no SLA clock, so no attainment and nothing at risk (native: 103)
    assertThat(RecipeCrossCheck.families(recipe.backfilled()))
        .doesNotContain("kpi_sla_attainment_ratio");
    assertThat(RecipeCrossCheck.families(nat.backfilled())).containsAll(SLA_FAMILIES);
    assertThat(sum(recipe.backfilled(), "sla_at_risk_tickets", Map.of("source", "zendesk")))
        .isZero();
    assertThat(sum(nat.backfilled(), "sla_at_risk_tickets", Map.of("source", "vendor")))
        .isEqualTo(1);
    assertThat(RecipeCrossCheck.series(recipe.backfilled(), SLA_FAMILIES))
        .as("every series after the backfill but SLA, the recipe's vs the native connector's")
        .containsExactlyElementsOf(RecipeCrossCheck.series(nat.backfilled(), SLA_FAMILIES));
    assertThat(RecipeCrossCheck.series(recipe.restarted(), SLA_FAMILIES))
        .as("every series after a restart but SLA")
        .containsExactlyElementsOf(RecipeCrossCheck.series(nat.restarted(), SLA_FAMILIES));
  }

  @Test
  void theRecipeCostsFewerRequestsForLessWork() throws Exception {
    Run nat = nativeRun();
    Run recipe = recipeRun();
    // native: 2 export pages, 2 ratings pages, users/show_many (22, 23), groups, the SLA
    // policies and a page of ticket metric events
    assertThat(nat.backfillRequests()).as("%s", nat.backfillRequests()).hasSize(8);
    // the recipe: 2 export pages, 2 ratings pages, groups, the agents list; no SLA
    assertThat(recipe.backfillRequests()).as("%s", recipe.backfillRequests()).hasSize(6);
    // native: a probe per stream (the export resumes at its last cursor) and the SLA policies
    assertThat(nat.restartRequests()).as("%s", nat.restartRequests()).hasSize(4);
    // the recipe: a probe per stream
    assertThat(recipe.restartRequests()).as("%s", recipe.restartRequests()).hasSize(2);
    Set<String> nativePaths = RecipeCrossCheck.paths(nat.backfillRequests());
    nativePaths.removeAll(
        Set.of(
            "GET /api/v2/users/show_many.json",
            "GET /api/v2/slas/policies.json",
            "GET /api/v2/incremental/ticket_metric_events.json"));
    nativePaths.add("GET /api/v2/users.json");
    assertThat(RecipeCrossCheck.paths(recipe.backfillRequests())).isEqualTo(nativePaths);
  }

  @Test
  void theExportIsReadWithTheNativeConnectorsRequestsAndAgentsAndAdminsAreListed()
      throws Exception {
    java.util.function.Predicate<String> export = r -> r.contains("/incremental/tickets/cursor");
    Run nat = nativeRun();
    Run recipe = recipeRun();
    List<String> nativeExport = nat.backfillRequests().stream().filter(export).toList();
    assertThat(nativeExport).hasSize(2);
    // page 2 sends the cursor alone (drop_params: [start_time]); only the order of the query
    // parameters may differ
    assertThat(recipe.backfillRequests().stream().filter(export).map(this::sortedQuery))
        .containsExactlyElementsOf(nativeExport.stream().map(this::sortedQuery).toList());
    assertThat(nativeExport.get(1)).contains("cursor=").doesNotContain("start_time");
    assertThat(recipe.backfillRequests())
        .filteredOn(r -> r.startsWith("GET /api/v2/users.json"))
        .singleElement()
        .satisfies(r -> assertThat(sortedQuery(r)).contains("role[]=admin&role[]=agent"));
  }

  /** A request line with its query parameters sorted. */
  String sortedQuery(String request) {
    int q = request.indexOf('?');
    if (q < 0) {
      return request;
    }
    String[] params = request.substring(q + 1).replace("%5B", "[").replace("%5D", "]").split("&");
    java.util.Arrays.sort(params);
    return request.substring(0, q) + "?" + String.join("&", params);
  }
}
