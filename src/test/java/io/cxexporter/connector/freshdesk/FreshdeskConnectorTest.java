package io.cxexporter.connector.freshdesk;

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
import io.cxexporter.connector.http.CursorFields;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.kpi.Transition;
import io.cxexporter.model.Ticket;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.TestConnectors;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.Credentials;
import org.junit.jupiter.api.Test;

/**
 * The Freshdesk connector against Freshdesk-shaped stubs (bare arrays, {@code Link} headers),
 * through the connector contract.
 *
 * <p>Fixtures, all on Wednesday 2026-11-18 (UTC, inside the test's 08:00-17:00 business hours, so
 * business durations equal calendar ones), now = 13:00:
 *
 * <pre>
 * id    status            prio    source  group    created first resp  resolved  fr_due  due_by
 * 5006  2 open → deleted  medium  email   Returns  07:00   -           -         -       -
 * 5001  4 resolved        medium  email   Billing  08:00   08:20 (20m) 09:30     09:00   11-19
 * 5002  2 open, escal.    high    chat    Returns  09:00   09:45 (45m) -         09:30   13:30
 * 5003  6 Waiting on Cust low     portal  Billing  10:00   10:10 (10m) (reopen)  11:00   11-20
 * 5004  5 closed, fr_esc  medium  phone   Returns  10:30   11:30 (60m) 12:30     11:00   14:30
 * 5005  7 Waiting on 3rd  urgent  email   Billing  12:00   -           -         12:30   16:00
 * </pre>
 */
class FreshdeskConnectorTest extends ConnectorContractTest {
  static final String TICKETS = "/api/v2/tickets";
  static final String RATINGS = "/api/v2/surveys/satisfaction_ratings";

  /** now − the default 90 days of backfill. */
  static final String BACKFILL_START = "2026-08-20T13:00:00Z";

  /**
   * The backfill start of a stream read after a wait (the 429 test sleeps a second on the recording
   * clock before the later streams start) or a minute later (the heal-later test moves the clock
   * past the rest of a failed lookup).
   */
  static final String AROUND_BACKFILL_START = "2026-08-20T13:0[01]:\\d\\dZ";

  /** The newest ticket (5005, 12:50) of the backfill minus the minute of overlap. */
  static final String TICKETS_WATERMARK = "2026-11-18T12:49:00Z";

  /** The newest deleted ticket (5006, 12:55) minus the overlap. */
  static final String DELETED_WATERMARK = "2026-11-18T12:54:00Z";

  /** The newest spam ticket (5007, 12:58) minus the overlap. */
  static final String SPAM_WATERMARK = "2026-11-18T12:57:00Z";

  /** The newest rating (702 at 12:45) minus the minute of overlap. */
  static final String RATINGS_WATERMARK = "2026-11-18T12:44:00Z";

  /** The instant the fixtures are written against. */
  static final String NOW = "2026-11-18T13:00:00Z";

  @Override
  protected String now() {
    return NOW;
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    return builder(baseUrl).build(ctx);
  }

  /** A Freshdesk block against {@code baseUrl}, with a page cap of 2 to keep the fixtures small. */
  static TestConnectors<FreshdeskOptions> builder(String baseUrl) {
    return TestConnectors.of(new FreshdeskConnectorFactory())
        .with("base_url", baseUrl)
        .with("api_key", "key-SECRET")
        .with("list_requests_per_minute", 1000)
        .with("max_pages_per_query", 2)
        .with("custom_statuses", Map.of("Waiting on Customer", "pending"));
  }

  static String fixture(String name) {
    return fixture("freshdesk", name);
  }

  /** A ticket list page URL as Freshdesk puts it in {@code Link}. */
  String ticketsUrl(String since, int page) {
    return ticketsUrl(vendor.baseUrl(), since, page);
  }

  /** A ticket list page URL of the vendor at {@code baseUrl}. */
  static String ticketsUrl(String baseUrl, String since, int page) {
    return baseUrl
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
        .withQueryParam("include", equalTo("stats"))
        .withQueryParam("filter", absent());
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    stubFixtures(v);
  }

  /**
   * Every page of a full backfill and the "nothing new" answers after it, on {@code v}; also what
   * {@link FreshdeskRecipeCrossCheckTest} runs the http_json recipe against.
   */
  static void stubFixtures(WireMockServer v) {
    v.stubFor(
        tickets(matching(AROUND_BACKFILL_START))
            .withQueryParam("page", absent())
            .willReturn(
                page(fixture("tickets-page1.json"), ticketsUrl(v.baseUrl(), BACKFILL_START, 2))));
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("page", equalTo("2"))
            .willReturn(page(fixture("tickets-page2.json"), null)));
    // the next pass starts a minute before 5005 (12:50), which comes again: an upsert, no change
    v.stubFor(
        tickets(TICKETS_WATERMARK)
            .withQueryParam("page", absent())
            .willReturn(page("[" + arrayItem(fixture("tickets-page2.json"), 2) + "]", null)));
    v.stubFor(
        get(urlPathEqualTo(TICKETS))
            .withQueryParam("filter", equalTo("deleted"))
            .withQueryParam("updated_since", matching(AROUND_BACKFILL_START))
            .willReturn(page(fixture("tickets-deleted.json"), null)));
    v.stubFor(
        get(urlPathEqualTo(TICKETS))
            .withQueryParam("filter", equalTo("deleted"))
            .withQueryParam("updated_since", equalTo(DELETED_WATERMARK))
            .willReturn(page(fixture("tickets-deleted.json"), null)));
    v.stubFor(
        get(urlPathEqualTo(TICKETS))
            .withQueryParam("filter", equalTo("spam"))
            .withQueryParam("updated_since", matching(AROUND_BACKFILL_START))
            .willReturn(page(fixture("tickets-spam.json"), null)));
    v.stubFor(
        get(urlPathEqualTo(TICKETS))
            .withQueryParam("filter", equalTo("spam"))
            .withQueryParam("updated_since", equalTo(SPAM_WATERMARK))
            .willReturn(page(fixture("tickets-spam.json"), null)));
    String ratingsPage2 = v.baseUrl() + RATINGS + "?created_since=" + BACKFILL_START;
    v.stubFor(
        get(urlPathEqualTo(RATINGS))
            .withQueryParam("created_since", matching(AROUND_BACKFILL_START))
            .withQueryParam("per_page", equalTo("100"))
            .withQueryParam("page", absent())
            .willReturn(
                page(fixture("ratings-page1.json"), ratingsPage2 + "&per_page=100&page=2")));
    v.stubFor(
        get(urlPathEqualTo(RATINGS))
            .withQueryParam("created_since", equalTo(BACKFILL_START))
            .withQueryParam("page", equalTo("2"))
            .willReturn(page(fixture("ratings-page2.json"), null)));
    // a minute of overlap: 702 (12:45) is read again and upserted, not counted twice
    v.stubFor(
        get(urlPathEqualTo(RATINGS))
            .withQueryParam("created_since", equalTo(RATINGS_WATERMARK))
            .willReturn(page("[" + arrayItem(fixture("ratings-page2.json"), 2) + "]", null)));
    v.stubFor(get(urlPathEqualTo("/api/v2/groups")).willReturn(page(fixture("groups.json"), null)));
    v.stubFor(get(urlPathEqualTo("/api/v2/agents")).willReturn(page(fixture("agents.json"), null)));
    v.stubFor(
        get(urlPathEqualTo("/api/v2/ticket_fields"))
            .withQueryParam("type", equalTo("default_status"))
            .willReturn(page(fixture("ticket-fields-status.json"), null)));
    v.stubFor(
        get(urlPathEqualTo("/api/v2/agents/me")).willReturn(okJson(fixture("agents-me.json"))));
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
    failGets(v, fault, "/api/v2/groups", "/api/v2/agents", "/api/v2/ticket_fields");
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
    return EnumSet.of(PagingStyle.LAST_PAGE, PagingStyle.TOKEN_LOOP, PagingStyle.CAP_RESTART);
  }

  @Override
  protected void stubTokenLoop(WireMockServer v) {
    // page 2 links to itself
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("page", equalTo("2"))
            .atPriority(1)
            .willReturn(page(fixture("tickets-page2.json"), ticketsUrl(BACKFILL_START, 2))));
  }

  /**
   * The cap (2 pages in this test, 300 at Freshdesk) is reached after page 2, which now ends at
   * 5004 (12:40) and links to a page 3 Freshdesk would refuse. The pass restarts at page 1 with
   * updated_since = 12:40; that query sends 5004 again (dropped by id: its copy here has another
   * subject, which must not replace the stored one) and then 5005.
   */
  @Override
  protected RequestPatternBuilder stubCapRestart(WireMockServer v) {
    String page2 = fixture("tickets-page2.json");
    String t3 = arrayItem(page2, 0);
    String t4 = arrayItem(page2, 1);
    String t5 = arrayItem(page2, 2);
    String boundary = "2026-11-18T12:40:00Z";
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("page", equalTo("2"))
            .atPriority(1)
            .willReturn(page("[" + t3 + "," + t4 + "]", ticketsUrl(BACKFILL_START, 3))));
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("page", equalTo("3"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"description\":\"Validation failed\",\"errors\":[{\"field\":\"page\","
                            + "\"message\":\"You cannot access tickets beyond the 300th page."
                            + " Please provide a smaller page number.\",\"code\":\"invalid_value\"}]}")));
    String repeated = t4.replace("Refund missing", "REPEATED COPY");
    assertThat(repeated).isNotEqualTo(t4);
    v.stubFor(
        tickets(boundary)
            .withQueryParam("page", absent())
            .atPriority(1)
            .willReturn(page("[" + repeated + "," + t5 + "]", null)));
    return getRequestedFor(urlPathEqualTo(TICKETS))
        .withQueryParam("updated_since", equalTo(boundary))
        .withQueryParam("page", absent());
  }

  @Test
  void theCapRestartDropsTheRepeatedBoundaryTicketAndNeverAsksPastTheCap() {
    stubCapRestart(vendor);
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
      Map<String, String> subjects = new LinkedHashMap<>();
      h.store.forEach(
          source(),
          (stream, r) -> {
            if (r instanceof Ticket t) {
              subjects.put(t.id(), t.subject());
            }
          });
      assertThat(subjects).containsEntry("5004", "Refund missing").containsKey("5005");
      CursorFields cursor = CursorFields.parse(h.state("tickets").cursor());
      assertThat(cursor.get("live"))
          .as("the next poll starts a minute before the newest ticket, whatever the restart")
          .contains("since=" + Instant.parse(TICKETS_WATERMARK).getEpochSecond());
      assertThat(cursor.get("deleted"))
          .contains("since=" + Instant.parse(DELETED_WATERMARK).getEpochSecond());
      assertThat(cursor.get("spam"))
          .contains("since=" + Instant.parse(SPAM_WATERMARK).getEpochSecond());
    }
    assertThat(
            vendor.findAll(
                getRequestedFor(urlPathEqualTo(TICKETS)).withQueryParam("page", equalTo("3"))))
        .isEmpty();
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", Credentials.basic("key-SECRET", "X"));
  }

  @Override
  protected int backfillRequests() {
    // tickets: 2 pages; deleted and spam tickets: 1 each; ratings: 2 pages; lookups: groups,
    // agents and the status field (for the custom statuses 6 and 7), once each
    return 2 + 1 + 1 + 2 + 3;
  }

  @Override
  protected int restartRequests() {
    // one caught-up probe per list (tickets, deleted, spam, ratings), and the names of what the
    // minute of overlap re-reads, as a new process has none cached: ticket 5005 (Billing, custom
    // status 7, no agent) asks for the groups and the status field; rating 702 then finds its
    // group cached.
    return 4 + 2;
  }

  @Test
  void aRestartResumesFromTheStoredWatermarksNotTheBackfillStart() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).isEmpty();
    }
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    assertThat(all)
        .as("no request from the backfill start")
        .noneMatch(r -> r.getUrl().contains("2026-08-20"));
    assertThat(vendor.findAll(tickets_(TICKETS_WATERMARK, null))).hasSize(1);
    assertThat(vendor.findAll(tickets_(DELETED_WATERMARK, "deleted"))).hasSize(1);
    assertThat(
            vendor.findAll(
                getRequestedFor(urlPathEqualTo(RATINGS))
                    .withQueryParam("created_since", equalTo(RATINGS_WATERMARK))))
        .hasSize(1);
  }

  static RequestPatternBuilder tickets_(String since, String filter) {
    return getRequestedFor(urlPathEqualTo(TICKETS))
        .withQueryParam("updated_since", equalTo(since))
        .withQueryParam("filter", filter == null ? absent() : equalTo(filter));
  }

  @Override
  protected int expectedBacklog() {
    return 3; // 5002 open, 5003 pending (custom 6), 5005 on hold (custom 7); 5006 deleted
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    // backlog by status and group (names from /groups): 5002, 5003 ("Waiting on Customer" is
    // configured as pending), 5005 (custom 7, not configured: on hold)
    assertThat(
            s.value(
                "tickets_open",
                whole("status", "open", "group", "Returns", "priority", "high", "channel", "chat")))
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
    assertThat(sum(s, "tickets_open")).isEqualTo(3);
    // first response = stats.first_responded_at − created_at: 5003 600, 5001 1200, 5002 2700,
    // 5004 3600 s (5005 none yet). Nearest rank: p50 = 2nd of 4 = 1200, p90 = 4th = 3600,
    // mean = 8100 / 4 = 2025. All inside 08:00-17:00, so business = calendar.
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
    // resolution = stats.resolved_at − created_at of the solved/closed ones: 5001 5400, 5004
    // 7200 (closed_at 12:40 is not the resolution); p50 = 1st of 2 = 5400, p90 = 2nd = 7200,
    // mean 6300. 5003's resolved_at is ignored: it was reopened (status 6, open).
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "p50")))
        .isEqualTo(5400);
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "p90")))
        .isEqualTo(7200);
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(6300);
    assertThat(s.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Billing", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Returns", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_created", whole("window", "24h"))).isEqualTo(5);
    // reopened (stats.reopened_at) among the solved: 5004 of 5001, 5004
    assertThat(s.value("kpi_reopen_ratio", whole("window", "24h"))).isEqualTo(0.5);
    // escalated: 5002 (is_escalated), 5004 (fr_escalated) of 5 created
    assertThat(s.value("kpi_escalation_ratio", whole("window", "24h"))).isEqualTo(0.4);
    // CSAT (default_question): 701 +103, 702 100 (neutral: not satisfied), 705 +101 (11-14),
    // 703 -102 (11-10); 704 has no default_question and is skipped.
    // 24h: 701, 702 → 1/2; 7d: 701, 702, 705 → 2/3; 30d: + 703 → 2/4
    assertThat(s.value("kpi_csat_ratio", whole("window", "24h"))).isEqualTo(0.5);
    assertThat(s.value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(2.0 / 3);
    assertThat(s.value("kpi_csat_ratio", whole("window", "30d"))).isEqualTo(0.5);
    // by the rating's group_id: Billing 701 (7d) and 703 (30d); Returns 702, 705
    assertThat(s.value("kpi_csat_ratio", whole("group", "Billing", "window", "7d"))).isEqualTo(1.0);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Billing", "window", "30d")))
        .isEqualTo(0.5);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Returns", "window", "7d"))).isEqualTo(0.5);
    // SLA on Freshdesk's own due dates. First response (fr_due_by): met by 5001 (08:20 ≤ 09:00)
    // and 5003 (10:10 ≤ 11:00); breached by 5002 (09:45 > 09:30), 5004 (11:30 > 11:00) and 5005
    // (no reply, due 12:30 < now) → 2/5. Resolution (due_by): 5001 (09:30 ≤ 11-19 08:00) and
    // 5004 (12:30 ≤ 14:30) met, the open ones not due yet → 1.
    assertThat(
            s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "first_response")))
        .isEqualTo(0.4);
    assertThat(s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "resolution")))
        .isEqualTo(1.0);
    assertThat(
            s.value(
                "kpi_sla_attainment_ratio",
                whole("group", "Returns", "window", "24h", "target", "first_response")))
        .isEqualTo(0.0);
    assertThat(
            s.value(
                "kpi_sla_attainment_ratio",
                whole("group", "Billing", "window", "24h", "target", "first_response")))
        .isEqualTo(2.0 / 3);
    // at risk within the 1 h horizon: 5002's due_by 13:30; 5005's first response already breached,
    // its due_by 16:00 is later, 5003's is 11-20
    assertThat(
            s.value(
                "sla_at_risk_tickets",
                whole("group", "Returns", "priority", "high", "channel", "chat")))
        .isEqualTo(1);
    assertThat(sum(s, "sla_at_risk_tickets")).isEqualTo(1);
  }

  @Test
  void forbiddenOrFailingLookupsNeverBlockTheTicketsAndAreRetriedLater() {
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/groups"))
            .atPriority(1)
            .inScenario("groups")
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willReturn(aResponse().withStatus(403))
            .willSetStateTo("allowed"));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/agents"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(500)));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/ticket_fields"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(403)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("tickets").backfillDone()).isTrue();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open")).isEqualTo(3);
      // labels fall back to ids; "Waiting on Customer" is unknown, so 5003 is on hold too
      assertThat(
              s.value(
                  "tickets_open",
                  whole("status", "open", "group", "78", "priority", "high", "channel", "chat")))
          .isEqualTo(1);
      assertThat(
              s.value(
                  "tickets_open",
                  whole("status", "on_hold", "group", "77", "priority", "low", "channel", "web")))
          .isEqualTo(1);
      // a minute later an unknown id asks for the group list again, and now it answers
      clock.advance(java.time.Duration.ofMinutes(2));
      vendor.stubFor(
          tickets(TICKETS_WATERMARK)
              .atPriority(1)
              .willReturn(
                  page(
                      "["
                          + arrayItem(fixture("tickets-page2.json"), 2)
                              .replace("2026-11-18T12:50:00Z\",", "2026-11-18T13:01:00Z\",")
                          + "]",
                      null)));
      assertThat(h.syncAll()).isEmpty();
      s = h.snapshot();
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
    }
    assertThat(requests.requests())
        .contains("groups 403", "agents 500", "ticket_fields 403", "groups 200");
  }

  @Test
  void checkProbesAgentsMe() {
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    assertThat(c.check().ok()).isTrue();
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/agents/me"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(401)));
    assertThat(c.check().message()).isEqualTo("HTTP 401 from agents/me: credentials rejected");
    assertThat(c.check().message()).doesNotContain("key-SECRET");
  }

  @Test
  void aTicketMarkedSpamLeavesTheBacklog() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(sum(h.snapshot(), "tickets_open")).isEqualTo(3);
      // 13:05: 5002 (open, Returns) is marked spam; the default list no longer has it, the spam
      // list does
      clock.set(Instant.parse("2026-11-18T13:06:00Z"));
      vendor.stubFor(
          get(urlPathEqualTo(TICKETS))
              .withQueryParam("filter", equalTo("spam"))
              .withQueryParam("updated_since", equalTo(SPAM_WATERMARK))
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
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open")).isEqualTo(2);
      assertThat(
              s.find("tickets_open", Map.of("source", "vendor", "group", "Returns")).stream()
                  .mapToDouble(KpiSeries::value)
                  .sum())
          .isZero();
    }
  }

  @Test
  void countsTheCreditsOfEveryRequestStatsIncluded() {
    // page 1 says what it cost; the other answers do not, so the known costs are counted
    vendor.stubFor(
        firstPage()
            .atPriority(1)
            .willReturn(
                page(fixture("tickets-page1.json"), ticketsUrl(BACKFILL_START, 2))
                    .withHeader("X-RateLimit-Used-CurrentRequest", "3")));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(requests.credits())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "tickets", 3.0 + 3.0, // two pages with include=stats: 1 + 2 credits each
                "tickets/deleted", 1.0,
                "tickets/spam", 1.0,
                "surveys/satisfaction_ratings", 2.0,
                "groups", 1.0,
                "agents", 1.0,
                "ticket_fields", 1.0));
  }

  @Test
  void breachesAreCountedLiveOnceFromFreshdesksDueDates() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).as("history is never counted").isEmpty();
      // 13:31: 5002's due_by (13:30) went by while it is open
      clock.set(Instant.parse("2026-11-18T13:31:00Z"));
      assertThat(h.kpi.tick())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.type()).isEqualTo(Transition.Type.SLA_BREACH);
                assertThat(t.detail()).isEqualTo("resolution");
                assertThat(t.dimensions()).contains("Returns", "high");
              });
      assertThat(h.kpi.tick()).as("counted once").isEmpty();
      // a new ticket, first replied after its fr_due_by: breached as it arrives
      String late =
          arrayItem(fixture("tickets-page1.json"), 2)
              .replace("\"id\": 5002", "\"id\": 5008")
              .replaceFirst(
                  "\"created_at\": \"[^\"]+\"", "\"created_at\": \"2026-11-18T13:00:00Z\"")
              .replaceFirst(
                  "\"updated_at\": \"[^\"]+\"", "\"updated_at\": \"2026-11-18T13:20:00Z\"")
              .replaceFirst("\"fr_due_by\": \"[^\"]+\"", "\"fr_due_by\": \"2026-11-18T13:10:00Z\"")
              .replaceFirst("\"due_by\": \"[^\"]+\"", "\"due_by\": \"2026-11-18T18:00:00Z\"")
              .replaceFirst(
                  "\"first_responded_at\": \"[^\"]+\"",
                  "\"first_responded_at\": \"2026-11-18T13:15:00Z\"");
      assertThat(late).contains("5008", "13:15:00Z", "13:10:00Z");
      vendor.stubFor(
          tickets(TICKETS_WATERMARK).atPriority(1).willReturn(page("[" + late + "]", null)));
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .filteredOn(t -> t.type() == Transition.Type.SLA_BREACH)
          .singleElement()
          .satisfies(t -> assertThat(t.detail()).isEqualTo("first_response"));
    }
  }
}
