package io.cxexporter.connector.liveagent;

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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorContractTest;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.model.Ticket;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.TestConnectors;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The LiveAgent connector against LiveAgent-shaped stubs (API v3: bare arrays, {@code _page}
 * paging, the history's {@code next_page_cursor} header, status and channel letters, message groups
 * with {@code W}/{@code P} rankings), through the connector contract.
 *
 * <p>Fixtures on Wednesday 2026-11-18 (dates as LiveAgent renders them with {@code Timezone-Offset:
 * 0}; the test's business hours are Mon-Fri 08:00-17:00 UTC), now = 13:00:
 *
 * <pre>
 * id        status        channel  department  created  first A        resolved  history
 * aaaa0009  R resolved    E email  Billing     10-25 10:00  10:30 (30m)   10-25 12:00  N A R
 * aaaa0001  R resolved    E email  Billing     07:00    08:30 (90m; 30m business)  09:00  N A R C A R
 * aaaa0002  A answered    B chat   Returns     09:00    09:20 (20m)   -         N A
 * aaaa0003  C open        E email  Billing     10:00    10:10 (10m)   (10:40)   N A R C (reopened)
 * aaaa0006  W postponed   E email  Returns     11:00    11:15 (15m)   -         N A W
 * aaaa0005  N new         M form   Billing     12:00    -             -         N
 * aaaa0004  L closed      C call   Returns     10:30    11:30 (60m)   12:00     N A R L
 * aaaa0007  X deleted     E email  Billing     07:30    -             -         N X
 * aaaa0008  B spam        E email  -           08:00    -             -         N B
 * </pre>
 *
 * Rankings: aaaa0001 W 11-18 09:05, aaaa0004 P 11-18 12:15, aaaa0009 P 10-26 08:00 and W 11-14
 * 09:00.
 */
class LiveAgentConnectorTest extends ConnectorContractTest {
  static final String API = "/api/v3";
  static final String TICKETS = API + "/tickets";
  static final String HISTORY = API + "/tickets/history";

  /** now − 90 days of backfill; a stream started after the 429 test's one-second wait is later. */
  static final String BACKFILL_START = "2026-08-20 13:00:0\\d";

  /** The backfill start, or the one of the heal-later test, {@link #HEAL_AFTER} later. */
  static final String AROUND_BACKFILL_START = "2026-08-20 13:0[01]:0\\d";

  /** The newest history row (aaaa0008 B, 12:40) minus the minute of overlap. */
  static final String HISTORY_WATERMARK = "2026-11-18 12:39:00";

  /** The newest ticket (aaaa0008, 12:40) minus the overlap. */
  static final String TICKETS_WATERMARK = "2026-11-18 12:39:00";

  /** The newest solved ticket (aaaa0004, 12:15) minus the overlap. */
  static final String SOLVED_WATERMARK = "2026-11-18 12:14:00";

  @Override
  protected String now() {
    return "2026-11-18T13:00:00Z";
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    return builder(baseUrl).build(ctx);
  }

  /** Small pages so every list pages: 5 tickets, 10 history rows, 2 solved tickets. */
  static TestConnectors<LiveAgentOptions> builder(String baseUrl) {
    return TestConnectors.of(new LiveAgentConnectorFactory())
        .with("base_url", baseUrl)
        .with("api_key", "key-SECRET")
        .with("per_page", 5)
        .with("history_per_page", 10)
        .with("messages_per_page", 2);
  }

  static String fixture(String name) {
    return fixture("liveagent", name);
  }

  /** {@code _filters} for rows or tickets from a time (a regex). */
  static String since(String field, String time) {
    return Pattern.quote("[[\"" + field + "\",\"D>=\",\"") + time + Pattern.quote("\"]]");
  }

  /** {@code _filters} of the solved tickets' list from a time (a regex). */
  static String solvedSince(String time) {
    return Pattern.quote("[[\"date_changed\",\"D>=\",\"")
        + time
        + Pattern.quote("\"],[\"status\",\"IN\",\"R,L\"]]");
  }

  static MappingBuilder history(String time) {
    return get(urlPathEqualTo(HISTORY))
        .withQueryParam("_filters", matching(since("date_from", time)))
        .withQueryParam("_sortField", equalTo("date_from"))
        .withQueryParam("_sortDir", equalTo("ASC"))
        .withQueryParam("_perPage", equalTo("10"));
  }

  static MappingBuilder tickets(String time) {
    return get(urlPathEqualTo(TICKETS))
        .withQueryParam("_filters", matching(since("date_changed", time)))
        .withQueryParam("_sortField", equalTo("date_changed"))
        .withQueryParam("_sortDir", equalTo("ASC"))
        .withQueryParam("_perPage", equalTo("5"));
  }

  static MappingBuilder solved(String time) {
    return get(urlPathEqualTo(TICKETS))
        .withQueryParam("_filters", matching(solvedSince(time)))
        .withQueryParam("_perPage", equalTo("2"));
  }

  static ResponseDefinitionBuilder page(String body, String cursor) {
    ResponseDefinitionBuilder r = okJson(body);
    return cursor == null ? r : r.withHeader("next_page_cursor", cursor);
  }

  static String messages(String ticket) {
    return TICKETS + "/" + ticket + "/messages";
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    v.stubFor(
        history(AROUND_BACKFILL_START)
            .withQueryParam("_cursor", absent())
            .willReturn(page(fixture("history-page1.json"), "c2")));
    v.stubFor(
        history(AROUND_BACKFILL_START)
            .withQueryParam("_cursor", equalTo("c2"))
            .willReturn(page(fixture("history-page2.json"), "c3")));
    v.stubFor(
        history(AROUND_BACKFILL_START)
            .withQueryParam("_cursor", equalTo("c3"))
            .willReturn(page(fixture("history-page3.json"), null)));
    // the next pass starts a minute before the newest row: aaaa0008's B (12:40) comes again
    v.stubFor(
        history(HISTORY_WATERMARK)
            .withQueryParam("_cursor", absent())
            .willReturn(page("[" + arrayItem(fixture("history-page3.json"), 6) + "]", null)));
    v.stubFor(
        tickets(AROUND_BACKFILL_START)
            .withQueryParam("_page", absent())
            .willReturn(page(fixture("tickets-page1.json"), null)));
    v.stubFor(
        tickets(AROUND_BACKFILL_START)
            .withQueryParam("_page", equalTo("2"))
            .willReturn(page(fixture("tickets-page2.json"), null)));
    v.stubFor(
        tickets(TICKETS_WATERMARK)
            .withQueryParam("_page", absent())
            .willReturn(page("[" + arrayItem(fixture("tickets-page2.json"), 3) + "]", null)));
    String p1 = fixture("tickets-page1.json");
    String p2 = fixture("tickets-page2.json");
    v.stubFor(
        solved(AROUND_BACKFILL_START)
            .withQueryParam("_page", absent())
            .willReturn(page("[" + arrayItem(p1, 0) + "," + arrayItem(p1, 1) + "]", null)));
    v.stubFor(
        solved(AROUND_BACKFILL_START)
            .withQueryParam("_page", equalTo("2"))
            .willReturn(page("[" + arrayItem(p2, 1) + "]", null)));
    v.stubFor(
        solved(SOLVED_WATERMARK)
            .withQueryParam("_page", absent())
            .willReturn(page("[" + arrayItem(p2, 1) + "]", null)));
    for (String id : List.of("aaaa0009", "aaaa0001", "aaaa0004")) {
      v.stubFor(
          get(urlPathEqualTo(messages(id)))
              .withQueryParam("_perPage", equalTo("100"))
              .willReturn(okJson(fixture("messages-" + id + ".json"))));
    }
    v.stubFor(
        get(urlPathEqualTo(API + "/departments")).willReturn(okJson(fixture("departments.json"))));
    v.stubFor(get(urlPathEqualTo(API + "/agents")).willReturn(okJson(fixture("agents.json"))));
    v.stubFor(get(urlPathEqualTo(API + "/ping")).willReturn(okJson(fixture("ping.json"))));
  }

  /** The tickets stream's first request: its first history page. */
  @Override
  protected MappingBuilder firstPage() {
    return history(BACKFILL_START).withQueryParam("_cursor", absent());
  }

  @Override
  protected List<LookedUp> lookedUpFields() {
    return List.of(
        new LookedUp("aaaa0001", "group", "zbmc7d61", "Billing"),
        new LookedUp("aaaa0002", "assignee", "71mdqq0a", "Bo Agent"));
  }

  @Override
  protected void stubLookupsFailing(WireMockServer v, ResponseDefinitionBuilder fault) {
    failGets(v, fault, API + "/departments", API + "/agents");
  }

  /**
   * Only the tickets: their departments and agents are the looked-up names, while {@code ratings}
   * names nothing and reads a ticket version's messages once per connector (a second backfill into
   * a fresh store would find no ratings).
   */
  @Override
  protected Set<String> streamsReadWhileLookupsFail() {
    return Set.of(mainStream());
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad = replacedOnce(page, "\"id\": \"aaaa0009\"", "\"id\": null");
    bad = replacedAfter(bad, "\"id\": \"aaaa0002\"", "\"status\": \"A\"", "\"status\": null");
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("_page", absent())
            .atPriority(1)
            .willReturn(page(bad, null)));
    return "aaaa0002";
  }

  @Override
  protected String mainStream() {
    return "tickets";
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    List<RequestPatternBuilder> out = new ArrayList<>();
    for (String cursor : new String[] {null, "c2", "c3"}) {
      out.add(
          getRequestedFor(urlPathEqualTo(HISTORY))
              .withQueryParam("_filters", matching(since("date_from", BACKFILL_START)))
              .withQueryParam("_cursor", cursor == null ? absent() : equalTo(cursor)));
    }
    for (String p : new String[] {null, "2"}) {
      out.add(
          getRequestedFor(urlPathEqualTo(TICKETS))
              .withQueryParam("_filters", matching(since("date_changed", BACKFILL_START)))
              .withQueryParam("_page", p == null ? absent() : equalTo(p)));
    }
    return out;
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad =
        page.replaceFirst(
            "\"date_created\": \"2026-11-18 07:00:00\"", "\"date_created\": \"yesterday\"");
    assertThat(bad).isNotEqualTo(page);
    v.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("_page", absent())
            .atPriority(1)
            .willReturn(page(bad, null)));
    return "aaaa0001";
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("apikey", "key-SECRET");
  }

  @Override
  protected int backfillRequests() {
    // tickets stream: 3 history pages (27 rows, 10 a page) + 2 ticket pages (9 tickets, 5 a
    // page; the second is short); departments and agents once each; ratings stream: 2 pages of
    // solved tickets (3, 2 a page) + the messages of each of the 3 (one page each)
    return 3 + 2 + 2 + 2 + 3;
  }

  @Override
  protected int restartRequests() {
    // one caught-up probe per list: history (from 12:39), tickets (from 12:39: aaaa0008, a spam
    // tombstone, no history or names needed), solved tickets (from 12:14: aaaa0004); and a new
    // process reads aaaa0004's messages once more (its ranking is the same record: no change)
    return 3 + 1;
  }

  @Override
  protected int expectedBacklog() {
    return 4; // aaaa0002 pending, aaaa0003 open, aaaa0005 new, aaaa0006 on hold; X and B excluded
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    // backlog by status and department name; LiveAgent has no priority
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "pending",
                    "group",
                    "Returns",
                    "priority",
                    "none",
                    "channel",
                    "chat")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status", "open", "group", "Billing", "priority", "none", "channel", "email")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "new",
                    "group",
                    "Billing",
                    "priority",
                    "none",
                    "channel",
                    "contact_form")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "on_hold",
                    "group",
                    "Returns",
                    "priority",
                    "none",
                    "channel",
                    "email")))
        .isEqualTo(1);
    assertThat(sum(s, "tickets_open")).isEqualTo(4);
    // first response = the first A row's date_from − date_created, in 24h: aaaa0003 600,
    // aaaa0006 900, aaaa0002 1200, aaaa0004 3600, aaaa0001 5400 (07:00 → 08:30). Nearest rank of
    // 5: p50 = 3rd = 1200, p90 = 5th = 5400; mean = 11700 / 5 = 2340.
    assertThat(s.value("kpi_first_response_seconds", fr("calendar", "p50"))).isEqualTo(1200);
    assertThat(s.value("kpi_first_response_seconds", fr("calendar", "p90"))).isEqualTo(5400);
    assertThat(s.value("kpi_first_response_seconds", fr("calendar", "mean"))).isEqualTo(2340);
    // business hours start at 08:00: aaaa0001 counts 08:00 → 08:30 = 1800; the others are inside
    // them. 600, 900, 1200, 1800, 3600: p50 = 1200, p90 = 3600, mean = 8100 / 5 = 1620.
    assertThat(s.value("kpi_first_response_seconds", fr("business", "p50"))).isEqualTo(1200);
    assertThat(s.value("kpi_first_response_seconds", fr("business", "p90"))).isEqualTo(3600);
    assertThat(s.value("kpi_first_response_seconds", fr("business", "mean"))).isEqualTo(1620);
    // resolution = date_resolved − date_created of the solved ones in 24h: aaaa0001 7200,
    // aaaa0004 5400 (closed, resolved 12:00): mean 6300; aaaa0003's date_resolved is ignored, it
    // is open again
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(6300);
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "p90")))
        .isEqualTo(7200);
    assertThat(s.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Billing", "window", "24h")))
        .isEqualTo(1);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Returns", "window", "24h")))
        .isEqualTo(1);
    // 30d: + aaaa0009 (resolved 10-25)
    assertThat(s.value("kpi_tickets_solved", whole("window", "30d"))).isEqualTo(3);
    // created in 24h: 0001..0006 (the deleted 0007 and spam 0008 are tombstones)
    assertThat(s.value("kpi_tickets_created", whole("window", "24h"))).isEqualTo(6);
    // reopened (R → C in the history) among the solved in 24h: aaaa0001 of 0001, 0004
    assertThat(s.value("kpi_reopen_ratio", whole("window", "24h"))).isEqualTo(0.5);
    // CSAT from rankings (W satisfied, P not), by the message's datecreated: 24h 0001 W, 0004 P
    // → 1/2; 7d + 0009 W (11-14) → 2/3; 30d + 0009 P (10-26) → 2/4
    assertThat(s.value("kpi_csat_ratio", whole("window", "24h"))).isEqualTo(0.5);
    assertThat(s.value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(2.0 / 3);
    assertThat(s.value("kpi_csat_ratio", whole("window", "30d"))).isEqualTo(0.5);
    // by the ticket's department: Billing 0001 W, 0009 W (7d), 0009 P (30d); Returns 0004 P
    assertThat(s.value("kpi_csat_ratio", whole("group", "Billing", "window", "7d"))).isEqualTo(1.0);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Billing", "window", "30d")))
        .isEqualTo(2.0 / 3);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Returns", "window", "7d"))).isEqualTo(0.0);
    // requester wait = the periods in N, C, T, P, I or W (not A, R, L) up to the latest solve:
    // aaaa0001 N 07:00-08:30 + C 08:50-08:55 = 5400 + 300 = 5700; aaaa0004 N 10:30-11:30 = 3600;
    // aaaa0009 N 10-25 10:00-10:30 = 1800. 24h: 3600, 5700: mean 4650, p50 rank 1 = 3600, p90
    // rank 2 = 5700. 30d: 1800, 3600, 5700: mean 3700, p50 rank 2 = 3600.
    assertThat(s.value("kpi_requester_wait_seconds", rw("24h", "mean"))).isEqualTo(4650);
    assertThat(s.value("kpi_requester_wait_seconds", rw("24h", "p50"))).isEqualTo(3600);
    assertThat(s.value("kpi_requester_wait_seconds", rw("24h", "p90"))).isEqualTo(5700);
    assertThat(s.value("kpi_requester_wait_seconds", rw("30d", "mean"))).isEqualTo(3700);
    assertThat(s.value("kpi_requester_wait_seconds", rw("30d", "p50"))).isEqualTo(3600);
    // calendar time only: connectors have no business calendar
    assertThat(s.find("kpi_requester_wait_seconds", Map.of("hours", "business"))).isEmpty();
  }

  /** The whole-source requester wait in calendar hours. */
  static Map<String, String> rw(String window, String stat) {
    return whole("window", window, "hours", "calendar", "stat", stat);
  }

  static Map<String, String> fr(String hours, String stat) {
    return whole("window", "24h", "hours", hours, "stat", stat);
  }

  @Test
  void sendsTimezoneOffsetZeroOnEveryRequest() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    connector(vendor.baseUrl(), ctx()).check();
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    assertThat(all)
        .hasSize(backfillRequests() + 1)
        .allSatisfy(r -> assertThat(r.getHeader("Timezone-Offset")).isEqualTo("0"))
        .allSatisfy(r -> assertThat(r.getUrl()).startsWith(API + "/"));
  }

  @Test
  void checkPingsWithoutShowingTheKey() {
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    assertThat(c.check().ok()).isTrue();
    vendor.stubFor(
        get(urlPathEqualTo(API + "/ping"))
            .atPriority(1)
            .willReturn(
                aResponse().withStatus(403).withBody("{\"message\":\"ApiKey not found\"}")));
    assertThat(c.check().ok()).isFalse();
    assertThat(c.check().message())
        .isEqualTo("HTTP 403 from ping: credentials rejected")
        .doesNotContain("key-SECRET");
  }

  @Test
  void datesAreReadAsUtcAndReopensComeFromTheHistory() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      Map<String, Ticket> t = tickets(h);
      assertThat(t.get("aaaa0001").createdAt()).isEqualTo(Instant.parse("2026-11-18T07:00:00Z"));
      assertThat(t.get("aaaa0001").firstReplyAt())
          .as("the first A period, not the second (08:55)")
          .isEqualTo(Instant.parse("2026-11-18T08:30:00Z"));
      assertThat(t.get("aaaa0001").reopens()).isEqualTo(1);
      assertThat(t.get("aaaa0003").reopens()).isEqualTo(1);
      assertThat(t.get("aaaa0003").solvedAt()).isNull();
      assertThat(t.get("aaaa0004").reopens()).isZero();
      assertThat(t.get("aaaa0004").assignee()).isEqualTo("Bo Agent");
      assertThat(t.get("aaaa0004").channel()).isEqualTo("call");
      assertThat(t.get("aaaa0005").firstReplyAt()).isNull();
      assertThat(t).doesNotContainKeys("aaaa0007", "aaaa0008");
    }
  }

  @Test
  void requesterWaitIsTheTimeInStatusesThatWaitOnTheTeamUpToTheLatestSolve() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      Map<String, Ticket> t = tickets(h);
      // N 90m (07:00-08:30), A 15m, R 5m, C 5m (08:50-08:55), A 5m, R: 95m
      assertThat(t.get("aaaa0001").requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(95));
      // N 60m (10:30-11:30), A 30m, R, L (closed after the solve): 60m
      assertThat(t.get("aaaa0004").requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(60));
      // created 10-25, after the backfill start (08-20), so its rows are all read: N 30m, A, R
      assertThat(t.get("aaaa0009").requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(30));
      // not solved (aaaa0003 was solved once, then reopened): none
      for (String open : List.of("aaaa0002", "aaaa0003", "aaaa0005", "aaaa0006")) {
        assertThat(t.get(open).requesterWaitCalendar()).as(open).isNull();
      }
      assertThat(t.values()).allSatisfy(x -> assertThat(x.requesterWaitBusiness()).isNull());

      // 15:00: three more tickets solved after 13:00 (history-wait.json, tickets-wait.json)
      clock.set(Instant.parse("2026-11-18T15:00:00Z"));
      vendor.stubFor(
          history(HISTORY_WATERMARK)
              .atPriority(1)
              .willReturn(page(fixture("history-wait.json"), null)));
      vendor.stubFor(
          tickets(TICKETS_WATERMARK)
              .atPriority(1)
              .willReturn(page(fixture("tickets-wait.json"), null)));
      // aaaa0012 was solved after the history was read (its last row is A 13:25): its own history
      // is asked for and is not readable, so its history is incomplete
      vendor.stubFor(
          get(urlPathEqualTo(TICKETS + "/aaaa0012/history"))
              .willReturn(aResponse().withStatus(404)));
      assertThat(h.syncAll()).isEmpty();
      t = tickets(h);
      // N 10m (13:00-13:10) + C 20m (13:10-13:30), A 30m (13:30-14:00) not, C 15m (14:00-14:15)
      assertThat(t.get("aaaa0010").requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(45));
      // N 5m (13:05-13:10), A 20m not, W postponed 60m (13:30-14:30) + C 10m (14:30-14:40), R,
      // then L: 75m
      assertThat(t.get("aaaa0011").requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(75));
      assertThat(t.get("aaaa0012").status().label()).isEqualTo("solved");
      assertThat(t.get("aaaa0012").requesterWaitCalendar()).as("incomplete history").isNull();
      assertThat(requests.lookupFailures())
          .anySatisfy(f -> assertThat(f).startsWith("ticket/history "));

      KpiSnapshot s = h.snapshot();
      // solved in the last hour (14:00-15:00): aaaa0010 2700, aaaa0011 4500 (aaaa0012 has none):
      // mean 3600, p50 rank 1 = 2700, p90 rank 2 = 4500
      assertThat(s.value("kpi_requester_wait_seconds", rw("1h", "mean"))).isEqualTo(3600);
      assertThat(s.value("kpi_requester_wait_seconds", rw("1h", "p50"))).isEqualTo(2700);
      assertThat(s.value("kpi_requester_wait_seconds", rw("1h", "p90"))).isEqualTo(4500);
      // 24h: + aaaa0001 5700, aaaa0004 3600: 2700, 3600, 4500, 5700: mean 16500 / 4 = 4125, p50
      // rank 2 = 3600, p90 rank ceil(3.6) = 4 = 5700
      assertThat(s.value("kpi_requester_wait_seconds", rw("24h", "mean"))).isEqualTo(4125);
      assertThat(s.value("kpi_requester_wait_seconds", rw("24h", "p50"))).isEqualTo(3600);
      assertThat(s.value("kpi_requester_wait_seconds", rw("24h", "p90"))).isEqualTo(5700);
      // aaaa0012 still counts as solved
      assertThat(s.value("kpi_tickets_solved", whole("window", "1h"))).isEqualTo(3);
    }
  }

  /** The history rows of one ticket, from the three history pages. */
  static String rowsOf(String ticket) {
    List<String> rows = new ArrayList<>();
    for (String page : List.of("history-page1.json", "history-page2.json", "history-page3.json")) {
      String a = fixture(page);
      for (int i = 0; ; i++) {
        String r;
        try {
          r = arrayItem(a, i);
        } catch (IndexOutOfBoundsException e) {
          break;
        }
        if (r.contains("\"" + ticket + "\"")) {
          rows.add(r);
        }
      }
    }
    return "[" + String.join(",", rows) + "]";
  }

  static Map<String, Ticket> tickets(SyncHarness h) {
    Map<String, Ticket> out = new LinkedHashMap<>();
    h.store.forEach(
        "vendor",
        (stream, r) -> {
          if (r instanceof Ticket t) {
            out.put(t.id(), t);
          }
        });
    return out;
  }

  @Test
  void aTicketTurningSpamLeavesTheBacklogAndAClosedOneReopens() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(sum(h.snapshot(), "tickets_open")).isEqualTo(4);
      // 13:05: aaaa0002 (pending, Returns) is marked spam; 13:06: the customer writes to the
      // closed aaaa0004 again (L → C)
      clock.set(Instant.parse("2026-11-18T13:10:00Z"));
      String rows = fixture("history-page3.json");
      String spamRow =
          arrayItem(rows, 6)
              .replace("h027", "h028")
              .replace("aaaa0008", "aaaa0002")
              .replace("12:40:00", "13:05:00");
      String reopenRow =
          arrayItem(rows, 4)
              .replace("h025", "h029")
              .replace("\"status\": \"L\"", "\"status\": \"C\"")
              .replace("12:10:00", "13:06:00");
      vendor.stubFor(
          history(HISTORY_WATERMARK)
              .atPriority(1)
              .willReturn(
                  page("[" + arrayItem(rows, 6) + "," + spamRow + "," + reopenRow + "]", null)));
      String spam =
          arrayItem(fixture("tickets-page1.json"), 2)
              .replace("\"status\": \"A\"", "\"status\": \"B\"")
              .replaceAll("2026-11-18 09:20:00", "2026-11-18 13:05:00");
      String reopened =
          arrayItem(fixture("tickets-page2.json"), 1)
              .replace("\"status\": \"L\"", "\"status\": \"C\"")
              .replaceAll("2026-11-18 12:15:00", "2026-11-18 13:06:00");
      assertThat(spam).contains("\"B\"", "13:05:00");
      assertThat(reopened).contains("\"C\"", "13:06:00");
      vendor.stubFor(
          tickets(TICKETS_WATERMARK)
              .atPriority(1)
              .willReturn(
                  page(
                      "["
                          + arrayItem(fixture("tickets-page2.json"), 3)
                          + ","
                          + spam
                          + ","
                          + reopened
                          + "]",
                      null)));
      assertThat(h.syncAll()).isEmpty();
      KpiSnapshot s = h.snapshot();
      // 4 − aaaa0002 (spam) + aaaa0004 (open again)
      assertThat(sum(s, "tickets_open")).isEqualTo(4);
      assertThat(
              sum(
                  s,
                  "tickets_open",
                  whole(
                      "status",
                      "pending",
                      "group",
                      "Returns",
                      "priority",
                      "none",
                      "channel",
                      "chat")))
          .isZero();
      assertThat(
              s.value(
                  "tickets_open",
                  whole(
                      "status", "open", "group", "Returns", "priority", "none", "channel", "call")))
          .isEqualTo(1);
      assertThat(tickets(h).get("aaaa0004").reopens()).isEqualTo(1);
      assertThat(tickets(h)).doesNotContainKey("aaaa0002");
    }
  }

  @Test
  void afterARestartATicketOlderThanTheReadHistoryIsAskedForItsOwnHistory() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.resetRequests();
    // 13:10: an agent answers aaaa0003 (created 10:00) again; the new process's history starts at
    // 12:39, so it knows only this row and asks for the ticket's own history
    clock.set(Instant.parse("2026-11-18T13:12:00Z"));
    String rows = fixture("history-page2.json");
    String answered =
        arrayItem(rows, 4)
            .replace("h015", "h030")
            .replace("2026-11-18 10:10:00", "2026-11-18 13:10:00");
    vendor.stubFor(
        history(HISTORY_WATERMARK)
            .atPriority(1)
            .willReturn(
                page(
                    "[" + arrayItem(fixture("history-page3.json"), 6) + "," + answered + "]",
                    null)));
    String t3 =
        arrayItem(fixture("tickets-page1.json"), 3)
            .replace("\"status\": \"C\"", "\"status\": \"A\"")
            .replace(
                "\"date_changed\": \"2026-11-18 11:00:00\"",
                "\"date_changed\": \"2026-11-18 13:10:00\"");
    assertThat(t3).contains("13:10:00", "\"A\"");
    vendor.stubFor(
        tickets(TICKETS_WATERMARK)
            .atPriority(1)
            .willReturn(
                page("[" + arrayItem(fixture("tickets-page2.json"), 3) + "," + t3 + "]", null)));
    String own =
        "["
            + arrayItem(rows, 3)
            + ","
            + arrayItem(rows, 4)
            + ","
            + arrayItem(rows, 6)
            + ","
            + arrayItem(rows, 7)
            + ","
            + answered
            + "]";
    vendor.stubFor(get(urlPathEqualTo(TICKETS + "/aaaa0003/history")).willReturn(okJson(own)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      Ticket t = tickets(h).get("aaaa0003");
      assertThat(t.firstReplyAt())
          .as("still the first A (10:10), not the one the new process saw first")
          .isEqualTo(Instant.parse("2026-11-18T10:10:00Z"));
      assertThat(t.reopens()).isEqualTo(1);
      assertThat(t.status().label()).isEqualTo("pending");
    }
    assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo(TICKETS + "/aaaa0003/history"))))
        .hasSize(1);
    // history, tickets, the ticket's own history, departments (a new process has no names;
    // aaaa0003 has no agent), solved tickets, aaaa0004's messages
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(6);
  }

  @Test
  void failingDepartmentAndAgentListsNeverBlockTheTickets() {
    vendor.stubFor(
        get(urlPathEqualTo(API + "/departments"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(500)));
    vendor.stubFor(
        get(urlPathEqualTo(API + "/agents")).atPriority(1).willReturn(aResponse().withStatus(403)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("tickets").backfillDone()).isTrue();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open")).isEqualTo(4);
      // the department id stands in for its name
      assertThat(
              s.value(
                  "tickets_open",
                  whole(
                      "status",
                      "pending",
                      "group",
                      "k2p9q1rs",
                      "priority",
                      "none",
                      "channel",
                      "chat")))
          .isEqualTo(1);
      assertThat(tickets(h).get("aaaa0004").assignee()).isEqualTo("71mdqq0a");
    }
    assertThat(requests.requests()).contains("departments 500", "agents 403");
    assertThat(requests.lookupFailures())
        .anySatisfy(f -> assertThat(f).startsWith("departments "))
        .anySatisfy(f -> assertThat(f).startsWith("agents "));
  }

  @Test
  void aKeyThatMayNotReadMessagesLosesCsatNotTickets() {
    vendor.stubFor(
        get(urlPathEqualTo(messages("aaaa0009")))
            .atPriority(1)
            .willReturn(aResponse().withStatus(403)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(sum(h.snapshot(), "tickets_open")).isEqualTo(4);
      // the rest of the first page (aaaa0009, aaaa0001) is skipped; aaaa0004's P on the next
      // page is read: 0 of 1
      assertThat(h.snapshot().value("kpi_csat_ratio", whole("window", "30d"))).isEqualTo(0.0);
    }
    assertThat(requests.lookupFailures()).contains("messages feature_unavailable");
    assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo(messages("aaaa0001"))))).isEmpty();
  }

  @Test
  void anEmptyLastPageStillMovesTheWatermarkToTheNewestTicket() {
    // page 2 holds exactly 5 tickets (a 10th, aaaa0010, changed 12:45), so page 3 is asked and is
    // empty: the next pass must start at 12:44, not at the backfill start
    String p2 = fixture("tickets-page2.json");
    String tenth =
        arrayItem(p2, 0)
            .replace("aaaa0005", "aaaa0010")
            .replace(
                "\"date_changed\": \"2026-11-18 12:00:00\"",
                "\"date_changed\": \"2026-11-18 12:45:00\"");
    assertThat(tenth).contains("aaaa0010", "12:45:00");
    vendor.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("_page", equalTo("2"))
            .atPriority(1)
            .willReturn(page(p2.substring(0, p2.lastIndexOf(']')) + "," + tenth + "]", null)));
    vendor.stubFor(
        tickets(BACKFILL_START)
            .withQueryParam("_page", equalTo("3"))
            .atPriority(1)
            .willReturn(page("[]", null)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(
              io.cxexporter.connector.http.CursorFields.parse(h.state("tickets").cursor())
                  .get("live"))
          .contains("changed=" + Instant.parse("2026-11-18T12:44:00Z").getEpochSecond());
      assertThat(sum(h.snapshot(), "tickets_open")).isEqualTo(5);
    }
  }

  @Test
  void aProcessStartingInsideTheTicketsPhaseReadsTheHistoryFirst() throws Exception {
    // the stored cursor: history read to 12:39, tickets at page 2 of the backfill pass
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      var s = h.state("tickets");
      var f = io.cxexporter.connector.http.CursorFields.parse(s.cursor());
      String live =
          "changed=" + Instant.parse("2026-08-20T13:00:00Z").getEpochSecond() + ";after=2";
      h.store.apply(
          "vendor",
          "tickets",
          List.of(),
          f.with("live", live).with("phase", "live").cursor(),
          false);
    }
    for (String id : List.of("aaaa0004", "aaaa0005")) {
      vendor.stubFor(
          get(urlPathEqualTo(TICKETS + "/" + id + "/history")).willReturn(okJson(rowsOf(id))));
    }
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).as("%s", h.lastError("tickets")).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    assertThat(all.get(0).getUrl()).contains("/tickets/history");
    assertThat(
            vendor.findAll(
                getRequestedFor(urlPathEqualTo(TICKETS)).withQueryParam("_page", equalTo("2"))))
        .hasSize(1);
    // the new process's book starts at 12:39 and page 2's tickets are older: each that is not a
    // tombstone is asked for its own history (aaaa0005, aaaa0004), and the KPIs are unchanged
    assertThat(
            all.stream().filter(r -> r.getUrl().matches(".*/tickets/aaaa\\d+/history.*")).count())
        .isEqualTo(2);
  }
}
