package io.cxexporter.connector.httpjson;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Zammad recipe, {@code examples/generic/zammad.yml}, loaded through the real config loader
 * (its {@code ${ZAMMAD_URL}} pointed at WireMock), through the connector contract. The one change
 * to the file: the page size 100 becomes 3, so that the seven fixture tickets span three pages
 * (full, full, short).
 *
 * <p>The fixtures ({@code src/test/resources/generic/zammad}) are shaped like the documented answer
 * of {@code GET /api/v1/tickets/search?expand=true}: a plain array of tickets with their attributes
 * and association names (https://docs.zammad.org/en/latest/api/intro.html, "Response Payloads
 * (expand)", ticket tab; https://docs.zammad.org/en/latest/api/ticket/index.html for the ticket
 * fields; the array shape for expand=true is Zammad's {@code TicketsController#search}, zammad/
 * zammad app/controllers/tickets_controller.rb). State and priority names are Zammad's defaults
 * (https://docs.zammad.org/en/latest/api/ticket/states.html, .../ticket/priorities.html).
 *
 * <p>By hand (all on 2026-11-18 UTC, now = 13:00; "in_min" = Zammad's business minutes):
 *
 * <pre>
 * id  state             prio      group    channel created first resp (in_min)  closed (in_min) updated
 * 11  open              3 high    Sales    email   07:00   08:20 80m (20)       -               08:20
 * 12  new               2 normal  Support  web     09:00   -                    -               09:00
 * 13  closed            2 normal  Sales    email   08:00   08:30 30m (30)       10:00 120m (120) 10:00
 * 14  pending reminder  1 low     Support  phone   09:30   09:40 10m (10)       -               10:30
 * 15  merged            2 normal  Support  email   10:00   -                    -               11:00
 * 16  closed            3 high    Support  email   10:00   11:00 60m (60)       12:30 150m (140) 12:30
 * 17  pending close     2 normal  Sales    chat    11:00   11:05 5m (5)         -               12:40
 * </pre>
 *
 * <ul>
 *   <li>15 (merged) is a tombstone: in no KPI. Backlog 4: 11 open, 12 new, 14 and 17 pending.
 *   <li>First response, calendar: 300 600 1800 3600 4800 s → p50 1800, p90 4800, mean 2220.
 *       Business (Zammad's first_response_in_min wins): 300 600 1200 1800 3600 → p50 1200, mean
 *       1500.
 *   <li>Resolution of 13 and 16, calendar: 7200 9000 → p50 7200, mean 8100; business
 *       (close_in_min): 7200 8400 → p50 7200, mean 7800. Solved 2 (Sales 1, Support 1). Created 6.
 *   <li>Requests: backfill 3 (three search pages, no lookups: expand=true carries the names);
 *       restart 1 (one caught-up search from the watermark, 12:40 − 1m overlap).
 * </ul>
 */
class ZammadRecipeTest extends RecipeContractTest {
  static final Path RECIPE = Path.of("examples/generic/zammad.yml");
  static final String SEARCH = "/api/v1/tickets/search";
  static final String TOKEN = "zt-SECRET";
  static final String BACKFILL_QUERY = "updated_at:[2026-08-20T13:00:00Z TO *]";

  /** The newest ticket (17, 12:40:00.519) to the second, minus the minute of overlap. */
  static final String WATERMARK_QUERY = "updated_at:[2026-11-18T12:39:00Z TO *]";

  @Override
  protected String source() {
    return "zammad";
  }

  @Override
  protected Path recipe() {
    return RECIPE;
  }

  @Override
  protected Map<String, String> env(String baseUrl) {
    return Map.of("ZAMMAD_URL", baseUrl, "ZAMMAD_TOKEN", TOKEN);
  }

  @Override
  protected Map<String, String> smallPages() {
    return Map.of("per_page: 100", "per_page: 3", "size: 100", "size: 3");
  }

  static String fixture(String name) {
    return fixture("generic/zammad", name);
  }

  static MappingBuilder search(String query) {
    return get(urlPathEqualTo(SEARCH))
        .withQueryParam("query", equalTo(query))
        .withQueryParam("sort_by", equalTo("updated_at"))
        .withQueryParam("order_by", equalTo("asc"))
        .withQueryParam("expand", equalTo("true"))
        .withQueryParam("per_page", equalTo("3"));
  }

  static RequestPatternBuilder searched(String query, String page) {
    return getRequestedFor(urlPathEqualTo(SEARCH))
        .withQueryParam("query", equalTo(query))
        .withQueryParam("page", equalTo(page));
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    for (int page = 1; page <= 3; page++) {
      v.stubFor(
          search(BACKFILL_QUERY)
              .withQueryParam("page", equalTo(Integer.toString(page)))
              .willReturn(okJson(fixture("tickets-page" + page + ".json"))));
    }
    // the next pass starts a minute before 17 (12:40), which comes again: no change
    v.stubFor(
        search(WATERMARK_QUERY)
            .withQueryParam("page", equalTo("1"))
            .willReturn(okJson(fixture("tickets-page3.json"))));
  }

  @Override
  protected MappingBuilder firstPage() {
    return search(BACKFILL_QUERY).withQueryParam("page", equalTo("1"));
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        searched(BACKFILL_QUERY, "1"),
        searched(BACKFILL_QUERY, "2"),
        searched(BACKFILL_QUERY, "3"));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad =
        replacedOnce(
            page, "\"created_at\": \"2026-11-18T07:00:00.250Z\"", "\"created_at\": \"yesterday\"");
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "11";
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad = replacedOnce(page, "\"id\": 11,", "\"id\": null,");
    bad = replacedAfter(bad, "\"id\": 12,", "\"state\": \"new\"", "\"state\": null");
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "12";
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", "Token token=" + TOKEN);
  }

  @Override
  protected int backfillRequests() {
    return 3; // three search pages; no lookup tables (expand=true names state, group, owner...)
  }

  @Override
  protected int restartRequests() {
    return 1; // one caught-up search from the stored watermark
  }

  @Override
  protected int expectedBacklog() {
    return 4; // 11 open, 12 new, 14 pending reminder, 17 pending close; 15 merged is a tombstone
  }

  /** Labels of the whole-source series of this recipe's source, plus {@code kv} pairs. */
  static Map<String, String> z(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source", "zammad");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static double stat(KpiSnapshot s, String kpi, String hours, String stat) {
    return s.value(kpi, z("window", "24h", "hours", hours, "stat", stat));
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    assertThat(
            s.value(
                "tickets_open",
                z("status", "open", "group", "Sales", "priority", "high", "channel", "email")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                z("status", "new", "group", "Support", "priority", "normal", "channel", "web")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                z("status", "pending", "group", "Support", "priority", "low", "channel", "phone")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                z("status", "pending", "group", "Sales", "priority", "normal", "channel", "chat")))
        .isEqualTo(1);
    assertThat(sum(s, "tickets_open", z())).isEqualTo(4);
    assertThat(sum(s, "tickets_open", z("group", "Sales"))).isEqualTo(2);
    assertThat(sum(s, "tickets_open", z("status", "pending"))).isEqualTo(2);

    assertThat(stat(s, "kpi_first_response_seconds", "calendar", "p50")).isEqualTo(1800);
    assertThat(stat(s, "kpi_first_response_seconds", "calendar", "p90")).isEqualTo(4800);
    assertThat(stat(s, "kpi_first_response_seconds", "calendar", "mean")).isEqualTo(2220);
    assertThat(stat(s, "kpi_first_response_seconds", "business", "p50")).isEqualTo(1200);
    assertThat(stat(s, "kpi_first_response_seconds", "business", "mean")).isEqualTo(1500);

    assertThat(stat(s, "kpi_resolution_seconds", "calendar", "p50")).isEqualTo(7200);
    assertThat(stat(s, "kpi_resolution_seconds", "calendar", "mean")).isEqualTo(8100);
    assertThat(stat(s, "kpi_resolution_seconds", "business", "p50")).isEqualTo(7200);
    assertThat(stat(s, "kpi_resolution_seconds", "business", "mean")).isEqualTo(7800);

    assertThat(s.value("kpi_tickets_solved", z("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", z("group", "Sales", "window", "24h"))).isEqualTo(1);
    assertThat(s.value("kpi_tickets_solved", z("group", "Support", "window", "24h"))).isEqualTo(1);
    assertThat(s.value("kpi_tickets_created", z("window", "24h"))).isEqualTo(6);
  }

  @Test
  void theRecipePassesTheConfigCheckWithItsEnvironment() throws Exception {
    ExporterConfig c = loadShipped(env("https://helpdesk.acme.example"));
    assertThat(c.connectors()).hasSize(1);
    assertThat(c.connectors().get(0).type()).isEqualTo("http_json");
    assertThat(c.connectors().get(0).name()).isEqualTo("zammad");
  }

  @Test
  void theWatermarkTravelsInTheSearchQueryAndARestartResumesThere() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.verify(1, searched(BACKFILL_QUERY, "1"));
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).isEmpty();
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl())))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.queryParameter("query").firstValue()).isEqualTo(WATERMARK_QUERY);
              assertThat(r.queryParameter("page").firstValue()).isEqualTo("1");
              assertThat(r.getHeader("Accept")).isEqualTo("application/json");
            });
    vendor.verify(0, getRequestedFor(urlPathEqualTo(SEARCH)).withQueryParam("query", absent()));
  }

  @Test
  void aTicketMergedLaterLeavesTheBacklog() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      clock.set(java.time.Instant.parse("2026-11-18T13:06:00Z"));
      String merged =
          arrayItem(fixture("tickets-page1.json"), 0)
              .replace("\"state\": \"open\"", "\"state\": \"merged\"")
              .replace("\"state_id\": 2", "\"state_id\": 5")
              .replace("2026-11-18T08:20:00.519Z", "2026-11-18T13:05:00.519Z");
      vendor.stubFor(
          search(WATERMARK_QUERY)
              .withQueryParam("page", equalTo("1"))
              .atPriority(1)
              .willReturn(okJson("[" + merged + "]")));
      assertThat(h.syncAll()).isEmpty();
      assertThat(sum(h.snapshot(), "tickets_open", z())).isEqualTo(3);
      assertThat(sum(h.snapshot(), "tickets_open", z("status", "open"))).isZero();
    }
  }

  @Test
  void aCustomStateIsAMappingErrorNotAGuess() {
    String page = fixture("tickets-page2.json").replace("\"pending reminder\"", "\"in progress\"");
    vendor.stubFor(
        search(BACKFILL_QUERY)
            .withQueryParam("page", equalTo("2"))
            .atPriority(1)
            .willReturn(okJson(page)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors("tickets", "mapping")).isEqualTo(1.0);
      assertThat(sum(h.snapshot(), "tickets_open", z())).isEqualTo(3);
    }
  }

  @Test
  void aTicketLinkOpensTheZammadTicket() {
    assertThat(connector(vendor.baseUrl(), ctx()).ticketUrl("17"))
        .isEqualTo(vendor.baseUrl() + "/#ticket/zoom/17");
  }
}
