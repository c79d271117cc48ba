package io.cxexporter.connector.httpjson;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorContractTest;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.TestConnectors;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.Credentials;
import org.junit.jupiter.api.Test;

/**
 * {@code http_json} configured for Freshdesk, against the Freshdesk connector's own fixtures
 * ({@code src/test/resources/freshdesk}), through the connector contract. Everything Freshdesk-
 * specific is in {@link #freshdesk}: the config, not code.
 *
 * <p>This recipe reads the ticket list only (no deleted/spam lists, no ratings, no SLA due dates,
 * no custom-status labels), so its KPIs differ from the native connector's where those matter: 5006
 * stays open (the native connector reads its deletion from {@code filter=deleted}), and only {@code
 * is_escalated} counts as escalated. The numbers below are computed by hand from the fixtures (all
 * on 2026-11-18 UTC, now = 13:00):
 *
 * <pre>
 * id    status          prio    source  group    created first resp  resolved  reopened
 * 5006  2 open          medium  email   Returns  07:00   -           -         -
 * 5001  4 solved        medium  email   Billing  08:00   08:20 (20m) 09:30     -
 * 5002  2 open, escal.  high    chat    Returns  09:00   09:45 (45m) -         -
 * 5003  6 → pending     low     portal  Billing  10:00   10:10 (10m) (10:30)   11:00
 * 5004  5 closed        medium  phone   Returns  10:30   11:30 (60m) 12:30     11:45
 * 5005  7 → on_hold     urgent  email   Billing  12:00   -           -         -
 * </pre>
 */
class HttpJsonConnectorTest extends ConnectorContractTest {
  static final String TICKETS = "/api/v2/tickets";
  static final String BACKFILL_START = "2026-08-20T13:00:00Z";

  /** The backfill start, or the one a minute later (the heal-later test moves the clock). */
  static final String AROUND_BACKFILL_START = "2026-08-20T13:0[01]:\\d\\dZ";

  /** The newest ticket (5005, 12:50) minus the minute of overlap. */
  static final String TICKETS_WATERMARK = "2026-11-18T12:49:00Z";

  @Override
  protected String now() {
    return "2026-11-18T13:00:00Z";
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    return freshdesk(baseUrl).build(ctx);
  }

  /** The Freshdesk recipe as a config block (what a user writes in YAML). */
  static TestConnectors<HttpJsonOptions> freshdesk(String baseUrl) {
    return freshdesk(baseUrl, Map.of());
  }

  /** The Freshdesk recipe with {@code extra} keys in its tickets stream. */
  static TestConnectors<HttpJsonOptions> freshdesk(String baseUrl, Map<String, Object> extra) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", "$.id");
    map.put("created_at", "$.created_at");
    map.put("updated_at", "$.updated_at");
    map.put(
        "status",
        Map.of(
            "path",
            "$.status",
            "values",
            Map.of(
                "2", "open", "3", "pending", "4", "solved", "5", "closed", "6", "pending", "7",
                "on_hold")));
    map.put(
        "priority",
        Map.of(
            "path",
            "$.priority",
            "values",
            Map.of("1", "low", "2", "normal", "3", "high", "4", "urgent")));
    map.put(
        "channel",
        Map.of(
            "path",
            "$.source",
            "values",
            Map.of("1", "email", "2", "web", "3", "phone", "7", "chat"),
            "default",
            "other"));
    map.put("group", Map.of("path", "$.group_id", "lookup", "groups"));
    map.put("assignee", Map.of("path", "$.responder_id", "lookup", "agents"));
    map.put("subject", "$.subject");
    map.put("first_reply_at", "$.stats.first_responded_at");
    map.put("solved_at", "$.stats.resolved_at");
    map.put("reopens", Map.of("path", "$.stats.reopened_at", "exists", true));
    map.put("escalated", "$.is_escalated");
    map.put("tags", "$.tags");
    map.put("deleted", "$.spam");
    Map<String, Object> tickets =
        new LinkedHashMap<>(
            Map.of(
                "path",
                "/api/v2/tickets",
                "method",
                "GET",
                "params",
                Map.of(
                    "order_by",
                    "updated_at",
                    "order_type",
                    "asc",
                    "per_page",
                    100,
                    "include",
                    "stats"),
                "records",
                "$[*]",
                "paginate",
                Map.of("link_header", "next"),
                "since",
                Map.of(
                    "param",
                    "updated_since",
                    "field",
                    "$.updated_at",
                    "format",
                    "iso8601",
                    "overlap",
                    "1m"),
                "map",
                map));
    tickets.putAll(extra);
    return TestConnectors.of(new HttpJsonConnectorFactory())
        .with("base_url", baseUrl)
        .with("auth", Map.of("basic", Map.of("username", "key-SECRET", "password", "X")))
        .with("headers", Map.of("Accept", "application/json"))
        .with(
            "rate_limit",
            Map.of("remaining_header", "X-RateLimit-Remaining", "requests_per_minute", 1000))
        .with(
            "lookups",
            Map.of(
                "groups",
                Map.of(
                    "path",
                    "/api/v2/groups",
                    "params",
                    Map.of("per_page", 100),
                    "records",
                    "$[*]",
                    "key",
                    "$.id",
                    "value",
                    "$.name",
                    "paginate",
                    Map.of("link_header", "next")),
                "agents",
                Map.of(
                    "path",
                    "/api/v2/agents",
                    "records",
                    "$[*]",
                    "key",
                    "$.id",
                    "value",
                    "$.contact.name",
                    "refresh",
                    "1h")))
        .with("streams", Map.of("tickets", tickets))
        .with("ticket_url", baseUrl + "/a/tickets/{id}");
  }

  static String fixture(String name) {
    return fixture("freshdesk", name);
  }

  String ticketsUrl(String since, int page) {
    return vendor.baseUrl()
        + TICKETS
        + "?updated_since="
        + since
        + "&order_by=updated_at&order_type=asc&per_page=100&include=stats&page="
        + page;
  }

  static ResponseDefinitionBuilder page(String body, String next) {
    ResponseDefinitionBuilder r = okJson(body).withHeader("X-RateLimit-Remaining", "190");
    return next == null ? r : r.withHeader("Link", "<" + next + ">; rel=\"next\"");
  }

  static MappingBuilder tickets(String since) {
    return tickets(equalTo(since));
  }

  static MappingBuilder tickets(StringValuePattern since) {
    return get(urlPathEqualTo(TICKETS))
        .withQueryParam("updated_since", since)
        .withQueryParam("order_by", equalTo("updated_at"))
        .withQueryParam("order_type", equalTo("asc"))
        .withQueryParam("per_page", equalTo("100"))
        .withQueryParam("include", equalTo("stats"));
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    v.stubFor(
        tickets(matching(AROUND_BACKFILL_START))
            .withQueryParam("page", absent())
            .willReturn(page(fixture("tickets-page1.json"), ticketsUrl(BACKFILL_START, 2))));
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("page", equalTo("2"))
            .willReturn(page(fixture("tickets-page2.json"), null)));
    // the next pass starts a minute before 5005 (12:50), which comes again: an upsert, no change
    v.stubFor(
        tickets(TICKETS_WATERMARK)
            .withQueryParam("page", absent())
            .willReturn(page("[" + arrayItem(fixture("tickets-page2.json"), 2) + "]", null)));
    v.stubFor(get(urlPathEqualTo("/api/v2/groups")).willReturn(page(fixture("groups.json"), null)));
    v.stubFor(get(urlPathEqualTo("/api/v2/agents")).willReturn(page(fixture("agents.json"), null)));
  }

  @Override
  protected MappingBuilder firstPage() {
    return tickets(BACKFILL_START).withQueryParam("page", absent());
  }

  @Override
  protected List<LookedUp> lookedUpFields() {
    return List.of(
        new LookedUp("5001", "group", "77", "Billing"),
        new LookedUp("5002", "assignee", "89", "Bor Kos"));
  }

  @Override
  protected void stubLookupsFailing(WireMockServer v, ResponseDefinitionBuilder fault) {
    failGets(v, fault, "/api/v2/groups", "/api/v2/agents");
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad = replacedOnce(page, "{\"id\": 5006,", "{\"id\": null,");
    bad = replacedAfter(bad, "{\"id\": 5001,", "\"status\": 4", "\"status\": null");
    v.stubFor(firstPage().atPriority(1).willReturn(page(bad, ticketsUrl(BACKFILL_START, 2))));
    return "5001";
  }

  @Override
  protected String mainStream() {
    return "tickets";
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        getRequestedFor(urlPathEqualTo(TICKETS))
            .withQueryParam("updated_since", equalTo(BACKFILL_START))
            .withQueryParam("include", equalTo("stats"))
            .withQueryParam("page", absent()),
        getRequestedFor(urlPathEqualTo(TICKETS))
            .withQueryParam("updated_since", equalTo(BACKFILL_START))
            .withQueryParam("include", equalTo("stats"))
            .withQueryParam("page", equalTo("2")));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad =
        replacedOnce(
            page, "\"created_at\": \"2026-11-18T08:00:00Z\"", "\"created_at\": \"yesterday\"");
    v.stubFor(firstPage().atPriority(1).willReturn(page(bad, ticketsUrl(BACKFILL_START, 2))));
    return "5001";
  }

  @Override
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(PagingStyle.LAST_PAGE, PagingStyle.TOKEN_LOOP);
  }

  @Override
  protected void stubTokenLoop(WireMockServer v) {
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("page", equalTo("2"))
            .atPriority(1)
            .willReturn(page(fixture("tickets-page2.json"), ticketsUrl(BACKFILL_START, 2))));
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", Credentials.basic("key-SECRET", "X"));
  }

  @Override
  protected int backfillRequests() {
    return 2 + 2; // tickets: 2 Link-paged pages; lookups: groups and agents, once each
  }

  @Override
  protected int restartRequests() {
    // one caught-up probe of the tickets list, and the group of the re-read 5005 (Billing), as a
    // new process has no names cached; 5005 has no agent
    return 1 + 1;
  }

  @Override
  protected int expectedBacklog() {
    return 4; // 5006 and 5002 open, 5003 pending (6), 5005 on hold (7)
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    assertThat(
            s.value(
                "tickets_open",
                whole("status", "open", "group", "Returns", "priority", "high", "channel", "chat")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "open",
                    "group",
                    "Returns",
                    "priority",
                    "normal",
                    "channel",
                    "email")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status", "pending", "group", "Billing", "priority", "low", "channel", "web")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "on_hold",
                    "group",
                    "Billing",
                    "priority",
                    "urgent",
                    "channel",
                    "email")))
        .isEqualTo(1);
    assertThat(sum(s, "tickets_open")).isEqualTo(4);
    // first response from stats.first_responded_at: 600, 1200, 2700, 3600 s → p50 1200, p90
    // 3600, mean 2025 (the native connector's numbers: the same fields)
    for (String hours : List.of("calendar", "business")) {
      assertThat(
              s.value(
                  "kpi_first_response_seconds",
                  whole("window", "24h", "hours", hours, "stat", "p50")))
          .isEqualTo(1200);
      assertThat(
              s.value(
                  "kpi_first_response_seconds",
                  whole("window", "24h", "hours", hours, "stat", "p90")))
          .isEqualTo(3600);
      assertThat(
              s.value(
                  "kpi_first_response_seconds",
                  whole("window", "24h", "hours", hours, "stat", "mean")))
          .isEqualTo(2025);
    }
    // resolution of the solved/closed: 5001 5400, 5004 7200; 5003's resolved_at is ignored, as
    // its mapped status (pending) is in the backlog
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "p50")))
        .isEqualTo(5400);
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(6300);
    assertThat(s.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Billing", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_created", whole("window", "24h"))).isEqualTo(6);
    // reopens (exists: stats.reopened_at) among the solved: 5004 of 5001, 5004
    assertThat(s.value("kpi_reopen_ratio", whole("window", "24h"))).isEqualTo(0.5);
    // escalated ($.is_escalated): 5002 of 6 created
    assertThat(s.value("kpi_escalation_ratio", whole("window", "24h"))).isEqualTo(1.0 / 6);
  }

  @Test
  void aRestartResumesFromTheStoredWatermarkNotTheBackfillStart() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).isEmpty();
    }
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    assertThat(all).noneMatch(r -> r.getUrl().contains("2026-08-20"));
    assertThat(
            vendor.findAll(
                getRequestedFor(urlPathEqualTo(TICKETS))
                    .withQueryParam("updated_since", equalTo(TICKETS_WATERMARK))))
        .hasSize(1);
  }

  @Test
  void everyRequestCarriesTheConfiguredHeaders() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl())))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader("Accept")).isEqualTo("application/json"));
  }

  @Test
  void aFailingLookupNeverBlocksTheTickets() {
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/groups"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(403)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("tickets").backfillDone()).isTrue();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open")).isEqualTo(4);
      assertThat(
              s.value(
                  "tickets_open",
                  whole("status", "open", "group", "78", "priority", "high", "channel", "chat")))
          .isEqualTo(1);
    }
    assertThat(requests.requests()).contains("lookup/groups 403");
  }

  @Test
  void aSpamTicketIsATombstoneAndLeavesTheBacklog() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      clock.set(java.time.Instant.parse("2026-11-18T13:06:00Z"));
      vendor.stubFor(
          tickets(TICKETS_WATERMARK)
              .atPriority(1)
              .willReturn(
                  page(
                      "["
                          + arrayItem(fixture("tickets-page1.json"), 2)
                              .replace("\"spam\": false", "\"spam\": true")
                              .replaceFirst(
                                  "\"updated_at\": \"[^\"]+\"",
                                  "\"updated_at\": \"2026-11-18T13:05:00Z\"")
                          + "]",
                      null)));
      assertThat(h.syncAll()).isEmpty();
      assertThat(sum(h.snapshot(), "tickets_open")).isEqualTo(3);
    }
  }

  @Test
  void checkReadsOnePageOfTheTicketsList() {
    vendor.stubFor(get(urlPathEqualTo(TICKETS)).willReturn(page("[]", null)));
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    assertThat(c.check().ok()).isTrue();
    assertThat(c.ticketUrl("5001")).isEqualTo(vendor.baseUrl() + "/a/tickets/5001");
    vendor.stubFor(
        get(urlPathEqualTo(TICKETS)).atPriority(1).willReturn(aResponse().withStatus(401)));
    assertThat(c.check().message()).contains("401").doesNotContain("key-SECRET");
  }

  @Test
  void atMaxPagesThePassRestartsFromItsWatermarkAndReadsEveryTicketOnce() {
    // a cap of one page: page 1 ends at 5002 (10:00), so the pass restarts exactly there
    // (updated_since is inclusive; 5002 comes again and is dropped by id), then at 5005 (12:50)
    vendor.stubFor(
        tickets("2026-11-18T10:00:00Z")
            .withQueryParam("page", absent())
            .willReturn(
                page(
                    "["
                        + arrayItem(fixture("tickets-page1.json"), 2)
                        + ","
                        + fixture("tickets-page2.json").trim().substring(1),
                    ticketsUrl("2026-11-18T10:00:00Z", 2))));
    vendor.stubFor(
        tickets("2026-11-18T12:50:00Z")
            .withQueryParam("page", absent())
            .willReturn(page("[" + arrayItem(fixture("tickets-page2.json"), 2) + "]", null)));
    try (SyncHarness h =
        harness(freshdesk(vendor.baseUrl(), Map.of("max_pages", 1)).build(ctx()))) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors("tickets", "mapping")).isZero();
      assertBackfilledKpis(h.snapshot());
    }
    assertThat(
            vendor.findAll(getRequestedFor(urlPathEqualTo(TICKETS))).stream()
                .map(
                    r ->
                        r.queryParameter("updated_since").firstValue()
                            + (r.queryParameter("page").isPresent()
                                ? " page " + r.queryParameter("page").firstValue()
                                : ""))
                .toList())
        .as("never page 2 of a query")
        .containsExactly(BACKFILL_START, "2026-11-18T10:00:00Z", "2026-11-18T12:50:00Z");
  }

  @Test
  void maxPagesIsAtLeastOne() throws Exception {
    assertThat(freshdesk("https://acme.example.com", Map.of("max_pages", 0)).problems())
        .containsExactly(
            "connectors[0].streams.tickets.max_pages: must be between 1 and 1000000, got 0");
  }
}
