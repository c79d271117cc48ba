package io.cxexporter.connector.intercom;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
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
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.kpi.Transition;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.TestConnectors;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Intercom connector against stubs shaped like Intercom's API reference (2.14): {@code POST
 * /conversations/search} answering {@code conversation.list} pages with {@code
 * pages.next.starting_after}, {@code team.list}, {@code admin.list}, {@code GET /me}.
 *
 * <p>Fixtures (built by hand, see {@code src/test/resources/intercom}), now = Wednesday 2026-11-18
 * 13:00 UTC; "contact" is {@code statistics.first_contact_reply_at}, "reply" {@code
 * first_admin_reply_at} (business seconds: {@code time_to_admin_reply}), "close" {@code
 * last_close_at} (business: {@code time_to_last_close}). The three pages are deliberately not in
 * {@code updated_at} order.
 *
 * <pre>
 * id   state    prio  source       team     admin  created contact reply        close              reopens rating     sla
 * 101  closed   not   email        Billing  Alice  07:55   08:00   08:20 (900)  09:30 (4800)       0       5 @09:40   hit
 * 102  open     prio  conversation Returns  Bob    09:00   09:00   09:45 (2400) -                  0       -          missed
 * 103  snoozed  not   conversation Billing  -      10:00   10:00   10:10 (600)  (11:00, reopened)  1       -          active
 * 104  closed   prio  phone_call   Returns  Alice  10:30   10:30   11:30 (1800) 12:30 (5000)       1       2 @12:45   missed
 * 105  open     not   email        -        -      12:00   12:00   -            -                  0       -          -
 * 106  closed   not   conversation Billing  Bob    11-14 10:00     10:30 (1800) 11:00 (3600)       0       4 @11-14 12:00
 * 107  closed   not   email        Returns  Alice  11-01 10:00     11:00 (3600) 14:00 (14400)      0       1 @11-01 15:00
 * 108  open     not   email (outbound, statistics null) Billing Alice 12:59:30
 * </pre>
 */
class IntercomConnectorTest extends ConnectorContractTest {
  static final String SEARCH = "/conversations/search";

  /** 2026-11-18T13:00:00Z. */
  static final long NOW = 1795006800L;

  /** now − the default 90 days of backfill. */
  static final long BACKFILL_START = NOW - 90 * 86400L;

  /** The backfill start, or the one of the heal-later test, {@link #HEAL_AFTER} later. */
  static final String AROUND_BACKFILL_START =
      BACKFILL_START + "|" + (BACKFILL_START + HEAL_AFTER.toSeconds());

  /**
   * The end of the backfill's slice (now) minus the minute of overlap: where the next pass starts.
   */
  static final long WATERMARK = NOW - 60;

  static final String CURSOR_1 = "WzE3OTUwMDY4MDAsIjEwNyJd";
  static final String CURSOR_2 = "WzE3OTUwMDY4MDAsIjEwMyJd";

  @Override
  protected String now() {
    return "2026-11-18T13:00:00Z";
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    return builder(baseUrl).build(ctx);
  }

  /** An Intercom block against {@code baseUrl}, 3 conversations a page to keep fixtures small. */
  static TestConnectors<IntercomOptions> builder(String baseUrl) {
    return TestConnectors.of(new IntercomConnectorFactory())
        .with("base_url", baseUrl)
        .with("token", "tok-SECRET")
        .with("per_page", 3);
  }

  static String fixture(String name) {
    return fixture("intercom", name);
  }

  static ResponseDefinitionBuilder page(String body) {
    return okJson(body)
        .withHeader("X-RateLimit-Limit", "166")
        .withHeader("X-RateLimit-Remaining", "160")
        .withHeader("X-RateLimit-Reset", Long.toString(NOW + 10));
  }

  /** A search of the slice from {@code since}, in the documented body shape, version pinned. */
  static MappingBuilder search(long since) {
    return search(equalTo(Long.toString(since)));
  }

  /** A search of the slice from a {@code since} that matches. */
  static MappingBuilder search(StringValuePattern since) {
    return post(urlPathEqualTo(SEARCH))
        .withHeader("Intercom-Version", equalTo("2.14"))
        .withRequestBody(matchingJsonPath("$.query.operator", equalTo("AND")))
        .withRequestBody(matchingJsonPath("$.query.value[0].field", equalTo("updated_at")))
        .withRequestBody(matchingJsonPath("$.query.value[0].operator", equalTo(">")))
        .withRequestBody(matchingJsonPath("$.query.value[0].value", since))
        .withRequestBody(matchingJsonPath("$.query.value[1].field", equalTo("updated_at")))
        .withRequestBody(matchingJsonPath("$.query.value[1].operator", equalTo("<")))
        .withRequestBody(matchingJsonPath("$.pagination.per_page", equalTo("3")));
  }

  static MappingBuilder searchPage(long since, String startingAfter) {
    return searchPage(equalTo(Long.toString(since)), startingAfter);
  }

  static MappingBuilder searchPage(StringValuePattern since, String startingAfter) {
    return startingAfter == null
        ? search(since).withRequestBody(notContaining("starting_after"))
        : search(since)
            .withRequestBody(
                matchingJsonPath("$.pagination.starting_after", equalTo(startingAfter)));
  }

  static RequestPatternBuilder searched(long since, String startingAfter) {
    RequestPatternBuilder r =
        postRequestedFor(urlPathEqualTo(SEARCH))
            .withRequestBody(
                matchingJsonPath("$.query.value[0].value", equalTo(Long.toString(since))))
            .withRequestBody(
                matchingJsonPath("$.query.value[1].value", equalTo(Long.toString(NOW))));
    return startingAfter == null
        ? r.withRequestBody(notContaining("starting_after"))
        : r.withRequestBody(
            matchingJsonPath("$.pagination.starting_after", equalTo(startingAfter)));
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    stubConversations(v);
  }

  /** The backfill's pages, the next pass's answer, the two lists and {@code /me}. */
  static void stubConversations(WireMockServer v) {
    v.stubFor(
        searchPage(matching(AROUND_BACKFILL_START), null)
            .willReturn(page(fixture("conversations-page1.json"))));
    v.stubFor(
        searchPage(matching(AROUND_BACKFILL_START), CURSOR_1)
            .willReturn(page(fixture("conversations-page2.json"))));
    v.stubFor(
        searchPage(matching(AROUND_BACKFILL_START), CURSOR_2)
            .willReturn(page(fixture("conversations-page3.json"))));
    // the next pass asks the last minute again: 108 (12:59:30) comes back, an upsert, no change
    v.stubFor(searchPage(WATERMARK, null).willReturn(page(fixture("conversations-overlap.json"))));
    v.stubFor(
        get(urlPathEqualTo("/teams"))
            .withHeader("Intercom-Version", equalTo("2.14"))
            .willReturn(page(fixture("teams.json"))));
    v.stubFor(
        get(urlPathEqualTo("/admins"))
            .withHeader("Intercom-Version", equalTo("2.14"))
            .willReturn(page(fixture("admins.json"))));
    v.stubFor(get(urlPathEqualTo("/me")).willReturn(okJson(fixture("me.json"))));
  }

  @Override
  protected MappingBuilder firstPage() {
    return searchPage(BACKFILL_START, null);
  }

  @Override
  protected List<LookedUp> lookedUpFields() {
    return List.of(
        new LookedUp("101", "group", "5017691", "Billing"),
        new LookedUp("102", "assignee", "991267716", "Bob Berg"));
  }

  @Override
  protected void stubLookupsFailing(WireMockServer v, ResponseDefinitionBuilder fault) {
    failGets(v, fault, "/teams", "/admins");
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("conversations-page1.json");
    String bad = replacedOnce(page, "\"id\": \"104\"", "\"id\": null");
    bad = replacedAfter(bad, "\"id\": \"101\"", "\"state\": \"", "\"state\": null, \"was\": \"");
    bad = replacedAfter(bad, "\"id\": \"101\"", "\"open\": ", "\"open\": null, \"was_open\": ");
    v.stubFor(firstPage().atPriority(1).willReturn(page(bad)));
    return "101";
  }

  @Override
  protected String mainStream() {
    return "conversations";
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        searched(BACKFILL_START, null),
        searched(BACKFILL_START, CURSOR_1),
        searched(BACKFILL_START, CURSOR_2));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("conversations-page1.json");
    // 101's created_at (07:55) is no unix time
    String bad = page.replace("\"created_at\": 1794988500", "\"created_at\": \"yesterday\"");
    assertThat(bad).isNotEqualTo(page);
    v.stubFor(firstPage().atPriority(1).willReturn(page(bad)));
    return "101";
  }

  @Override
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(PagingStyle.LAST_PAGE, PagingStyle.TOKEN_LOOP, PagingStyle.POST_BODY);
  }

  @Override
  protected void stubTokenLoop(WireMockServer v) {
    // page 2 hands back the cursor it was asked with
    v.stubFor(
        searchPage(BACKFILL_START, CURSOR_1)
            .atPriority(1)
            .willReturn(page(fixture("conversations-page2.json").replace(CURSOR_2, CURSOR_1))));
  }

  @Override
  protected RequestPatternBuilder secondPostPage() {
    // the same slice (since and until unchanged), the first page's cursor in the body
    return searched(BACKFILL_START, CURSOR_1)
        .withRequestBody(matchingJsonPath("$.pagination.per_page", equalTo("3")));
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", "Bearer tok-SECRET");
  }

  @Override
  protected int backfillRequests() {
    // 3 search pages, then the team and admin lists once each
    return 3 + 2;
  }

  @Override
  protected int restartRequests() {
    // one search of the last minute before the stored watermark's slice end, which re-reads 108;
    // a new process has no names cached, so its team and admin ask for the two lists
    return 1 + 2;
  }

  @Override
  protected int expectedBacklog() {
    return 4; // 102 open, 103 snoozed (pending), 105 open, 108 open
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    // backlog by status and group (team names from /teams): state open → open, snoozed → pending
    assertThat(
            s.value(
                "tickets_open",
                whole("status", "open", "group", "Returns", "priority", "high", "channel", "chat")))
        .isEqualTo(1); // 102
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "pending",
                    "group",
                    "Billing",
                    "priority",
                    "normal",
                    "channel",
                    "chat")))
        .isEqualTo(1); // 103
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "open",
                    "group",
                    "Billing",
                    "priority",
                    "normal",
                    "channel",
                    "email")))
        .isEqualTo(1); // 108
    assertThat(sum(s, "tickets_open")).isEqualTo(4); // and 105, unassigned
    assertThat(
            s.find("tickets_open", Map.of("source", "vendor", "status", "open")).stream()
                .mapToDouble(KpiSeries::value)
                .sum())
        .isEqualTo(3);
    // first response in the 24h window (by reply time): 101, 102, 103, 104 (106, 107 are older;
    // 105 and 108 not replied). Calendar = first_admin_reply_at − first_contact_reply_at: 1200,
    // 2700, 600, 3600 → sorted 600, 1200, 2700, 3600: nearest rank p50 = 2nd = 1200, p90 = 4th
    // = 3600, mean = 8100 / 4 = 2025. Business = Intercom's time_to_admin_reply: 900, 2400, 600,
    // 1800 → sorted 600, 900, 1800, 2400: p50 = 900, p90 = 2400, mean = 5700 / 4 = 1425.
    assertDurations(s, "kpi_first_response_seconds", "calendar", 1200, 3600, 2025);
    assertDurations(s, "kpi_first_response_seconds", "business", 900, 2400, 1425);
    // resolution of the conversations closed in the window (by last_close_at): 101 and 104; 103
    // closed at 11:00 but was reopened and is snoozed now. Calendar = last_close_at −
    // first_contact_reply_at: 101 09:30 − 08:00 = 5400 (not 5700 from its 07:55 creation), 104
    // 12:30 − 10:30 = 7200 → p50 5400, p90 7200, mean 6300. Business = time_to_last_close: 4800,
    // 5000 → p50 4800, p90 5000, mean 4900.
    assertDurations(s, "kpi_resolution_seconds", "calendar", 5400, 7200, 6300);
    assertDurations(s, "kpi_resolution_seconds", "business", 4800, 5000, 4900);
    assertThat(s.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Billing", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Returns", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_solved", whole("window", "7d"))).isEqualTo(3); // + 106
    assertThat(s.value("kpi_tickets_created", whole("window", "24h"))).isEqualTo(6); // 101-105, 108
    // reopened (statistics.count_reopens) among the solved: 104 of 101, 104
    assertThat(s.value("kpi_reopen_ratio", whole("window", "24h"))).isEqualTo(0.5);
    // CSAT (conversation_rating.rating, 4-5 satisfied) at the rating's updated_at: 24h: 101 (5),
    // 104 (2) → 1/2; 7d: + 106 (4, 11-14) → 2/3; 30d: + 107 (1, 11-01) → 2/4
    assertThat(s.value("kpi_csat_ratio", whole("window", "24h"))).isEqualTo(0.5);
    assertThat(s.value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(2.0 / 3);
    assertThat(s.value("kpi_csat_ratio", whole("window", "30d"))).isEqualTo(0.5);
    // by the conversation's team: Billing 101, 106; Returns 104, 107
    assertThat(s.value("kpi_csat_ratio", whole("group", "Billing", "window", "7d"))).isEqualTo(1.0);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Returns", "window", "7d"))).isEqualTo(0.0);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Returns", "window", "30d")))
        .isEqualTo(0.0);
    // SLA (sla_applied.sla_status, the resolution target, decided at the close): 101 hit → met,
    // 104 missed → breached → 1/2; 102 missed but open, and 103 active, are not decided yet.
    // Intercom gives no first response SLA and the test configures none.
    assertThat(s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "resolution")))
        .isEqualTo(0.5);
    assertThat(
            s.value(
                "kpi_sla_attainment_ratio",
                whole("group", "Billing", "window", "24h", "target", "resolution")))
        .isEqualTo(1.0);
    assertThat(
            s.value(
                "kpi_sla_attainment_ratio",
                whole("group", "Returns", "window", "24h", "target", "resolution")))
        .isEqualTo(0.0);
    assertThat(
            s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "first_response")))
        .isNaN();
  }

  private static void assertDurations(
      KpiSnapshot s, String name, String hours, double p50, double p90, double mean) {
    assertThat(s.value(name, whole("window", "24h", "hours", hours, "stat", "p50")))
        .as("%s %s p50", name, hours)
        .isEqualTo(p50);
    assertThat(s.value(name, whole("window", "24h", "hours", hours, "stat", "p90")))
        .as("%s %s p90", name, hours)
        .isEqualTo(p90);
    assertThat(s.value(name, whole("window", "24h", "hours", hours, "stat", "mean")))
        .as("%s %s mean", name, hours)
        .isEqualTo(mean);
  }

  @Test
  void theFirstSearchIsTheDocumentedBodyForTheBackfillSlice() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(
            vendor.findAll(
                postRequestedFor(urlPathEqualTo(SEARCH))
                    .withHeader(
                        "Content-Type",
                        com.github.tomakehurst.wiremock.client.WireMock.containing(
                            "application/json"))
                    .withRequestBody(
                        equalToJson(
                            "{\"query\": {\"operator\": \"AND\", \"value\": ["
                                + "{\"field\": \"updated_at\", \"operator\": \">\", \"value\": "
                                + BACKFILL_START
                                + "},"
                                + "{\"field\": \"updated_at\", \"operator\": \"<\", \"value\": "
                                + NOW
                                + "}]},"
                                + "\"pagination\": {\"per_page\": 3}}"))))
        .hasSize(1);
  }

  @Test
  void aRestartResumesFromTheStoredWatermarkNotTheBackfillStart() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("conversations").cursor().value()).isEqualTo("updated=" + WATERMARK);
    }
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).isEmpty();
    }
    List<LoggedRequest> searches = vendor.findAll(postRequestedFor(urlPathEqualTo(SEARCH)));
    assertThat(searches).hasSize(1);
    assertThat(searches.get(0).getBodyAsString())
        .as("no search from the backfill start")
        .doesNotContain(Long.toString(BACKFILL_START))
        .contains("\"value\":" + WATERMARK);
  }

  @Test
  void namesAndRecordsAreMappedAsIntercomDescribesThem() {
    Map<String, Ticket> tickets = new LinkedHashMap<>();
    Map<String, SurveyResponse> ratings = new LinkedHashMap<>();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      h.store.forEach(
          source(),
          (stream, r) -> {
            assertThat(stream).isEqualTo("conversations");
            if (r instanceof Ticket t) {
              tickets.put(t.id(), t);
            } else if (r instanceof SurveyResponse sr) {
              ratings.put(sr.id(), sr);
            }
          });
    }
    assertThat(tickets).hasSize(8);
    Ticket t104 = tickets.get("104");
    assertThat(t104.assignee()).isEqualTo("Alice Ahn");
    assertThat(t104.group()).isEqualTo("Returns");
    assertThat(t104.channel()).isEqualTo("phone");
    assertThat(t104.reopens()).isEqualTo(1);
    assertThat(t104.solvedAt()).isEqualTo(Instant.parse("2026-11-18T12:30:00Z"));
    assertThat(t104.sla()).singleElement().satisfies(sla -> assertThat(sla.breached()).isTrue());
    assertThat(tickets.get("103").assignee()).isNull();
    assertThat(tickets.get("105").group()).isNull();
    assertThat(tickets.get("108").firstReplyAt()).isNull();
    assertThat(tickets.get("101").tags()).containsExactly("billing");
    assertThat(ratings.keySet())
        .containsExactlyInAnyOrder("csat-101", "csat-104", "csat-106", "csat-107");
    SurveyResponse r101 = ratings.get("csat-101");
    assertThat(r101.ticketId()).isEqualTo("101");
    assertThat(r101.score()).isEqualTo(5);
    assertThat(r101.respondedAt())
        .as("the rating's updated_at; created_at is when it was requested")
        .isEqualTo(Instant.parse("2026-11-18T09:40:00Z"));
  }

  @Test
  void failingTeamOrAdminListsNeverBlockTheConversationsAndAreRetriedLater() {
    vendor.stubFor(
        get(urlPathEqualTo("/teams"))
            .atPriority(1)
            .inScenario("teams")
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willReturn(aResponse().withStatus(500)) // one attempt: a lookup is not retried
            .willSetStateTo("fixed"));
    vendor.stubFor(
        get(urlPathEqualTo("/admins")).atPriority(1).willReturn(aResponse().withStatus(403)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("conversations").backfillDone()).isTrue();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open")).isEqualTo(4);
      // the team ids stand for the names
      assertThat(
              s.value(
                  "tickets_open",
                  whole(
                      "status", "open", "group", "5017692", "priority", "high", "channel", "chat")))
          .isEqualTo(1);
      assertThat(requests.lookupFailures()).contains("teams transient", "admins auth");
      // two minutes later a pass meets an unknown team id and asks again; now /teams answers
      clock.advance(Duration.ofMinutes(2));
      vendor.stubFor(
          search(WATERMARK)
              .atPriority(1)
              .willReturn(
                  page(
                      fixture("conversations-overlap.json")
                          .replace("1795006770", "1795006830")
                          .replace(
                              "\"team_assignee_id\": 5017691", "\"team_assignee_id\": 5017692"))));
      assertThat(h.syncAll()).isEmpty();
      assertThat(
              h.snapshot()
                  .value(
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
    }
    assertThat(requests.requests()).contains("teams 500", "admins 403", "teams 200");
  }

  @Test
  void aMissedSlaIsCountedLiveOnceAndHistoryIsNot() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).as("history is never counted").isEmpty();
      // 13:05: a teammate replies on 103 after its SLA ran out; Intercom marks it missed
      clock.set(Instant.parse("2026-11-18T13:06:00Z"));
      String late =
          IntercomFixtures.item(fixture("conversations-page2.json"), 2)
              .replace("\"sla_status\" : \"active\"", "\"sla_status\" : \"missed\"")
              .replace("\"updated_at\" : 1795004400", "\"updated_at\" : 1795007100");
      assertThat(late).contains("missed", "1795007100");
      vendor.stubFor(search(WATERMARK).atPriority(1).willReturn(page(IntercomFixtures.list(late))));
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .filteredOn(t -> t.type() == Transition.Type.SLA_BREACH)
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.detail()).isEqualTo("resolution");
                assertThat(t.dimensions()).contains("Billing");
              });
    }
  }

  @Test
  void aRatingOutsideOneToFiveIsRejectedAndTheConversationKept() {
    String page1 = fixture("conversations-page1.json");
    String odd = page1.replace("\"rating\": 5", "\"rating\": 7");
    assertThat(odd).isNotEqualTo(page1);
    vendor.stubFor(firstPage().atPriority(1).willReturn(page(odd)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors("conversations", "mapping")).isEqualTo(1.0);
      List<String> ids = new java.util.ArrayList<>();
      h.store.forEach(source(), (stream, r) -> ids.add(r.id()));
      assertThat(ids).contains("101").doesNotContain("csat-101").contains("csat-104");
    }
  }

  @Test
  void checkNamesTheAdminAndLearnsTheWorkspaceForInboxLinks() {
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    assertThat(c.ticketUrl("101")).isEqualTo(vendor.baseUrl() + "/conversations/101");
    assertThat(c.check().message()).isEqualTo("signed in as Ops Bot (Acme)");
    assertThat(c.ticketUrl("101"))
        .isEqualTo("https://app.intercom.com/a/apps/ecahpwf5/inbox/inbox/all/conversations/101");
    vendor.stubFor(
        get(urlPathEqualTo("/me")).atPriority(1).willReturn(aResponse().withStatus(401)));
    assertThat(c.check().ok()).isFalse();
    assertThat(c.check().message())
        .isEqualTo("HTTP 401 from me: credentials rejected")
        .doesNotContain("tok-SECRET");
  }

  @Test
  void aNearlySpentTenSecondWindowWaitsForItsReset() {
    // page 1 leaves 5 of 166 calls in the window (under 5 %), which resets 7 s from now
    vendor.stubFor(
        firstPage()
            .atPriority(1)
            .willReturn(
                okJson(fixture("conversations-page1.json"))
                    .withHeader("X-RateLimit-Limit", "166")
                    .withHeader("X-RateLimit-Remaining", "5")
                    .withHeader("X-RateLimit-Reset", Long.toString(NOW + 7))));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void aRefusedPageTokenReadsThePassAgainFromItsFirstPage() {
    // page 2's cursor is refused once (whether Intercom's cursors expire is not documented); the
    // pass starts again at page 1, which hands out a new cursor
    String fresh = "WzE3OTUwMDY4MDAsIjEwNyIsMl0=";
    vendor.stubFor(
        searchPage(BACKFILL_START, CURSOR_1)
            .atPriority(1)
            .inScenario("cursor")
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\": \"error.list\", \"errors\": [{\"code\": \"parameter_invalid\","
                            + " \"message\": \"starting_after is invalid\"}]}"))
            .willSetStateTo("refused"));
    vendor.stubFor(
        searchPage(BACKFILL_START, null)
            .atPriority(1)
            .inScenario("cursor")
            .whenScenarioStateIs("refused")
            .willReturn(page(fixture("conversations-page1.json").replace(CURSOR_1, fresh))));
    vendor.stubFor(
        searchPage(BACKFILL_START, fresh).willReturn(page(fixture("conversations-page2.json"))));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).as("%s", h.lastError("conversations")).isEmpty();
      assertBackfilledKpis(h.snapshot());
      assertThat(h.transitions).isEmpty();
    }
    assertThat(vendor.findAll(searched(BACKFILL_START, null))).hasSize(2);
    assertThat(vendor.findAll(searched(BACKFILL_START, CURSOR_1))).hasSize(1);
    assertThat(vendor.findAll(searched(BACKFILL_START, fresh))).hasSize(1);
    assertThat(vendor.findAll(searched(BACKFILL_START, CURSOR_2))).hasSize(1);
    assertThat(requests.requests()).containsOnlyOnce("conversations/search 400");
  }

  @Test
  void everyRequestPinsTheApiVersion() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl())))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader("Intercom-Version")).isEqualTo("2.14"));
  }
}
