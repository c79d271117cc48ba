package io.cxexporter.connector.freshdesk;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Freshdesk recipe of {@code examples/generic/freshdesk.yml} ({@code type: http_json}, loaded
 * by the real config loader) against the native {@code freshdesk} connector, on the native
 * connector's own stubs ({@link FreshdeskConnectorTest#stubFixtures}): every KPI series must be the
 * same (name, labels but {@code source}, value), after the backfill and after a restart. No family
 * is excluded: the recipe reads the same four lists, the ratings and Freshdesk's SLA due times.
 */
class FreshdeskRecipeCrossCheckTest {
  static final Path RECIPE = Path.of("examples/generic/freshdesk.yml");

  WireMockServer vendor;
  @TempDir Path dir;

  @BeforeEach
  void startVendor() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    FreshdeskConnectorTest.stubFixtures(vendor);
  }

  @AfterEach
  void stopVendor() {
    vendor.stop();
  }

  Map<String, String> env() {
    return Map.of("FD_URL", vendor.baseUrl(), "FD_KEY", "key-SECRET");
  }

  Run nativeRun() {
    return RecipeCrossCheck.run(
        vendor,
        dir.resolve("native"),
        FreshdeskConnectorTest.NOW,
        ctx -> FreshdeskConnectorTest.builder(vendor.baseUrl()).build(ctx));
  }

  Run recipeRun() throws ConfigException {
    ConnectorSpec recipe = RecipeCrossCheck.connector(RECIPE, env());
    assertThat(recipe.name()).isEqualTo("freshdesk");
    return RecipeCrossCheck.run(
        vendor, dir.resolve("recipe"), FreshdeskConnectorTest.NOW, recipe::create);
  }

  @Test
  void theRecipePassesTheConfigCheckWithItsEnvironmentAndNamesWhatIsMissing() throws Exception {
    assertThat(RecipeCrossCheck.load(RECIPE, env()).connectors())
        .singleElement()
        .satisfies(c -> assertThat(c.type()).isEqualTo("http_json"));
    assertThatThrownBy(() -> RecipeCrossCheck.load(RECIPE, Map.of("FD_URL", vendor.baseUrl())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("FD_KEY");
  }

  @Test
  void theRecipeExportsExactlyTheNativeConnectorsKpis() throws Exception {
    Run nat = nativeRun();
    Run recipe = recipeRun();
    // not two empty snapshots: the native connector's own numbers (FreshdeskConnectorTest)
    for (Map.Entry<String, KpiSnapshot> e :
        Map.of("vendor", nat.backfilled(), "freshdesk", recipe.backfilled()).entrySet()) {
      String src = e.getKey();
      KpiSnapshot s = e.getValue();
      assertThat(backlog(s, src)).as(src).isEqualTo(3); // 5006 deleted, 5007 spam
      assertThat(value(s, src, "kpi_tickets_solved", "window", "24h")).as(src).isEqualTo(2);
      assertThat(value(s, src, "kpi_tickets_created", "window", "24h")).as(src).isEqualTo(5);
      // 5002 is_escalated, 5004 fr_escalated
      assertThat(value(s, src, "kpi_escalation_ratio", "window", "24h")).as(src).isEqualTo(0.4);
      assertThat(value(s, src, "kpi_csat_ratio", "window", "7d")).as(src).isEqualTo(2.0 / 3);
      assertThat(
              value(
                  s, src, "kpi_sla_attainment_ratio", "window", "24h", "target", "first_response"))
          .as(src)
          .isEqualTo(0.4);
    }
    assertThat(RecipeCrossCheck.series(recipe.backfilled(), Set.of()))
        .as("every series after the backfill, the recipe's vs the native connector's")
        .containsExactlyElementsOf(RecipeCrossCheck.series(nat.backfilled(), Set.of()));
    assertThat(RecipeCrossCheck.series(recipe.restarted(), Set.of()))
        .as("every series after a restart")
        .containsExactlyElementsOf(RecipeCrossCheck.series(nat.restarted(), Set.of()));
    assertThat(RecipeCrossCheck.families(nat.backfilled()))
        .contains("tickets_open", "kpi_csat_ratio", "kpi_sla_attainment_ratio");
  }

  @Test
  void theRecipeCostsNoMoreRequestsThanTheNativeConnector() throws Exception {
    Run nat = nativeRun();
    Run recipe = recipeRun();
    // native: tickets 2 pages, deleted 1, spam 1, ratings 2 pages, groups, agents, ticket_fields
    assertThat(nat.backfillRequests()).as("%s", nat.backfillRequests()).hasSize(9);
    // the recipe: the same but the status field's labels (its custom statuses are numbers)
    assertThat(recipe.backfillRequests()).as("%s", recipe.backfillRequests()).hasSize(8);
    // a probe per list (tickets, deleted, spam, ratings) and the names the minute of overlap
    // re-reads (5005: its group; the native connector also its custom status's label)
    assertThat(nat.restartRequests()).as("%s", nat.restartRequests()).hasSize(6);
    assertThat(recipe.restartRequests()).as("%s", recipe.restartRequests()).hasSize(5);
    // the same endpoints, ticket_fields aside
    Set<String> nativePaths = RecipeCrossCheck.paths(nat.backfillRequests());
    nativePaths.remove("GET /api/v2/ticket_fields");
    assertThat(RecipeCrossCheck.paths(recipe.backfillRequests())).isEqualTo(nativePaths);
  }
}
