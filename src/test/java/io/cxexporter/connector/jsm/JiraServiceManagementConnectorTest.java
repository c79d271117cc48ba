package io.cxexporter.connector.jsm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.Credentials;
import org.junit.jupiter.api.Test;

/**
 * The Jira Service Management connector against Atlassian-shaped stubs, through the connector
 * contract.
 *
 * <p>The fixtures (now = 2026-11-18 13:00 UTC), three {@code nextPageToken} pages:
 *
 * <pre>
 * issue  status (category)               priority→   request type      FR cycle (cal/bus, breached) TTR                                 CSAT
 * SD-1   Resolved (done) 10:00           High→high   Get IT help       08:00-08:30 30m/25m met      done 08:00-10:00 2h/1h met          5 @11:00
 * SD-2   Waiting for customer→pending    Highest→urg Request a change  09:00-10:00 60m/40m BREACHED ongoing, breachTime 13:30            (field missing)
 * SD-3   Done, 2026-11-10 15:00          Medium→norm Get IT help       11-10 09:00-09:20 20m/20m   done 09:00-15:00 6h/5h BREACHED     2 @11-10 16:00
 * SD-4   Waiting for support (new)→new   Low→low     Get IT help       ongoing, breachTime 16:00    ongoing, breachTime 11-19 12:00     (field null)
 * SD-5   In Progress→open                Medium→norm Request a change  ongoing, BREACHED at 11:00   ongoing, paused (no breachTime)
 * SD-6   Resolved 12:30, reopened once   High→high   Request a change  11-17 14:00-14:10 10m/10m   two cycles 1h/1h + 3.5h/2h met      4 @12:45
 * </pre>
 */
class JiraServiceManagementConnectorTest extends ConnectorContractTest {
  static final String SEARCH = "/rest/api/3/search/jql";
  static final String FIELDS = "/rest/api/3/field";
  static final String TOKEN1 = "CAEaAggD";
  static final String TOKEN2 = "CAEaAggE";
  static final String BACKFILL_JQL =
      "project in (SD) AND updated >= \"2026-08-20 13:00\" ORDER BY updated ASC";

  /** The backfill's JQL, or the one a minute later (the heal-later test moves the clock). */
  static final String AROUND_BACKFILL_JQL =
      java.util.regex.Pattern.quote("project in (SD) AND updated >= \"2026-08-20 13:0")
          + "[01]"
          + java.util.regex.Pattern.quote("\" ORDER BY updated ASC");

  /** The newest update (SD-6, 12:45) minus the 5-minute overlap. */
  static final String RESTART_JQL =
      "project in (SD) AND updated >= \"2026-11-18 12:40\" ORDER BY updated ASC";

  @Override
  protected String now() {
    return "2026-11-18T13:00:00Z";
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    return builder(baseUrl).build(ctx);
  }

  static TestConnectors<JiraServiceManagementOptions> builder(String baseUrl) {
    return TestConnectors.of(new JiraServiceManagementConnectorFactory())
        .with("base_url", baseUrl)
        .with("auth", Map.of("email", "ops@acme.example", "api_token", "tok-SECRET"))
        .with("projects", List.of("SD"))
        .with("max_results", 50);
  }

  static String fixture(String name) {
    return fixture("jira-service-management", name);
  }

  static MappingBuilder search(String jql) {
    return search(equalTo(jql));
  }

  static MappingBuilder search(StringValuePattern jql) {
    return get(urlPathEqualTo(SEARCH)).withQueryParam("jql", jql);
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    v.stubFor(get(urlPathEqualTo(FIELDS)).willReturn(okJson(fixture("fields.json"))));
    // the discovered SLA, request type and satisfaction fields are asked for by id
    v.stubFor(
        search(matching(AROUND_BACKFILL_JQL))
            .withQueryParam("nextPageToken", absent())
            .withQueryParam(
                "fields",
                containing(
                    "customfield_10030,customfield_10031,customfield_10010,customfield_10040,customfield_10041"))
            .withQueryParam("expand", equalTo("changelog"))
            .willReturn(okJson(fixture("issues-page1.json"))));
    v.stubFor(
        search(matching(AROUND_BACKFILL_JQL))
            .withQueryParam("nextPageToken", equalTo(TOKEN1))
            .willReturn(okJson(fixture("issues-page2.json"))));
    v.stubFor(
        search(matching(AROUND_BACKFILL_JQL))
            .withQueryParam("nextPageToken", equalTo(TOKEN2))
            .willReturn(okJson(fixture("issues-page3.json"))));
    // the next pass re-reads the last 5 minutes: SD-6 again, upserted, not counted twice
    v.stubFor(search(RESTART_JQL).willReturn(okJson(fixture("issues-restart.json"))));
  }

  @Override
  protected MappingBuilder firstPage() {
    return search(BACKFILL_JQL).withQueryParam("nextPageToken", absent());
  }

  /**
   * The request type (the group) is a custom field found by the field lookup: while it fails the
   * issues are read without it. Assignees come with their display names, nothing to look up.
   */
  @Override
  protected List<LookedUp> lookedUpFields() {
    return List.of(new LookedUp("10001", "group", null, "Get IT help"));
  }

  @Override
  protected void stubLookupsFailing(WireMockServer v, ResponseDefinitionBuilder fault) {
    failGets(v, fault, FIELDS);
    // without the field list the first page asks for the standard fields only
    v.stubFor(
        search(BACKFILL_JQL)
            .withQueryParam("nextPageToken", absent())
            .atPriority(2)
            .willReturn(okJson(fixture("issues-page1.json"))));
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("issues-page1.json");
    String bad = replacedOnce(page, "\"id\": \"10001\"", "\"id\": null");
    bad = replacedAfter(bad, "\"id\": \"10002\"", "\"status\": {", "\"status\": null, \"was\": {");
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "10002";
  }

  @Override
  protected String mainStream() {
    return "issues";
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        getRequestedFor(urlPathEqualTo(SEARCH))
            .withQueryParam("jql", equalTo(BACKFILL_JQL))
            .withQueryParam("nextPageToken", absent()),
        getRequestedFor(urlPathEqualTo(SEARCH))
            .withQueryParam("jql", equalTo(BACKFILL_JQL))
            .withQueryParam("nextPageToken", equalTo(TOKEN1)),
        getRequestedFor(urlPathEqualTo(SEARCH))
            .withQueryParam("jql", equalTo(BACKFILL_JQL))
            .withQueryParam("nextPageToken", equalTo(TOKEN2)));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("issues-page1.json");
    String bad =
        page.replaceFirst(
            "\"created\": \"2026-11-18T08:00:00.000\\+0000\"", "\"created\": \"soon\"");
    assertThat(bad).isNotEqualTo(page);
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "10001";
  }

  @Override
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(PagingStyle.LAST_PAGE, PagingStyle.TOKEN_LOOP);
  }

  @Override
  protected void stubTokenLoop(WireMockServer v) {
    // page 2 hands back the token it was asked with
    String loop = fixture("issues-page2.json").replace(TOKEN2, TOKEN1);
    assertThat(loop).contains("\"nextPageToken\": \"" + TOKEN1 + "\"");
    v.stubFor(
        search(BACKFILL_JQL)
            .withQueryParam("nextPageToken", equalTo(TOKEN1))
            .atPriority(1)
            .willReturn(okJson(loop)));
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", Credentials.basic("ops@acme.example", "tok-SECRET"));
  }

  @Override
  protected int backfillRequests() {
    return 4; // the field list, then three search pages
  }

  @Override
  protected int restartRequests() {
    return 2; // the field list (a new process) and one caught-up search from the watermark
  }

  @Override
  protected int expectedBacklog() {
    return 3; // SD-2 pending, SD-4 new, SD-5 open; SD-1, SD-3, SD-6 done
  }

  static double duration(KpiSnapshot s, String kpi, String window, String hours, String stat) {
    return s.value(kpi, whole("window", window, "hours", hours, "stat", stat));
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    // backlog by status and by group (request type); channel is not read: none
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "pending",
                    "group",
                    "Request a change",
                    "priority",
                    "urgent",
                    "channel",
                    "none")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status", "new", "group", "Get IT help", "priority", "low", "channel", "none")))
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status",
                    "open",
                    "group",
                    "Request a change",
                    "priority",
                    "normal",
                    "channel",
                    "none")))
        .isEqualTo(1);
    assertThat(sum(s, "tickets_open", Map.of("source", "vendor", "group", "Request a change")))
        .isEqualTo(2);
    assertThat(sum(s, "tickets_open", Map.of("source", "vendor", "group", "Get IT help")))
        .isEqualTo(1);

    // first response from the first completed "Time to first response" cycle, by its stop time.
    // 24h: SD-6 (11-17 14:10) 600/600 s, SD-1 1800/1500 s, SD-2 3600/2400 s (calendar/business).
    // nearest rank: p50 = 2nd of 3, p90 = 3rd of 3
    String fr = "kpi_first_response_seconds";
    assertThat(duration(s, fr, "24h", "calendar", "p50")).isEqualTo(1800);
    assertThat(duration(s, fr, "24h", "calendar", "p90")).isEqualTo(3600);
    assertThat(duration(s, fr, "24h", "calendar", "mean")).isEqualTo(2000); // 6000 / 3
    assertThat(duration(s, fr, "24h", "business", "p50")).isEqualTo(1500);
    assertThat(duration(s, fr, "24h", "business", "p90")).isEqualTo(2400);
    assertThat(duration(s, fr, "24h", "business", "mean")).isEqualTo(1500); // 4500 / 3
    // 30d adds SD-3 (1200/1200): calendar 600,1200,1800,3600; business 600,1200,1500,2400
    assertThat(duration(s, fr, "30d", "calendar", "p50")).isEqualTo(1200);
    assertThat(duration(s, fr, "30d", "calendar", "p90")).isEqualTo(3600);
    assertThat(duration(s, fr, "30d", "calendar", "mean")).isEqualTo(1800); // 7200 / 4
    assertThat(duration(s, fr, "30d", "business", "p50")).isEqualTo(1200);
    assertThat(duration(s, fr, "30d", "business", "p90")).isEqualTo(2400);
    assertThat(duration(s, fr, "30d", "business", "mean")).isEqualTo(1425); // 5700 / 4

    // resolution from the completed "Time to resolution" cycles, summed (SD-6 was reopened):
    // SD-1 7200/3600 s; SD-6 (1h + 3.5h)/(1h + 2h) = 16200/10800 s, not its 22.5 h of age
    String res = "kpi_resolution_seconds";
    assertThat(duration(s, res, "24h", "calendar", "p50")).isEqualTo(7200);
    assertThat(duration(s, res, "24h", "calendar", "p90")).isEqualTo(16200);
    assertThat(duration(s, res, "24h", "calendar", "mean")).isEqualTo(11700);
    assertThat(duration(s, res, "24h", "business", "p50")).isEqualTo(3600);
    assertThat(duration(s, res, "24h", "business", "p90")).isEqualTo(10800);
    assertThat(duration(s, res, "24h", "business", "mean")).isEqualTo(7200);
    // 30d adds SD-3 (6 h / 5 h): calendar 7200,16200,21600; business 3600,10800,18000
    assertThat(duration(s, res, "30d", "calendar", "p50")).isEqualTo(16200);
    assertThat(duration(s, res, "30d", "calendar", "p90")).isEqualTo(21600);
    assertThat(duration(s, res, "30d", "calendar", "mean")).isEqualTo(15000);
    assertThat(duration(s, res, "30d", "business", "p50")).isEqualTo(10800);
    assertThat(duration(s, res, "30d", "business", "mean")).isEqualTo(10800);

    // solved by resolutiondate: SD-1 10:00, SD-6 12:30 (24h); SD-3 on 11-10 (30d)
    assertThat(s.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", whole("window", "7d"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", whole("window", "30d"))).isEqualTo(3);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Request a change", "window", "24h")))
        .isEqualTo(1);
    // created: all but SD-3 within 24h (SD-6 at 11-17 14:00)
    assertThat(s.value("kpi_tickets_created", whole("window", "24h"))).isEqualTo(5);
    assertThat(s.value("kpi_tickets_created", whole("window", "30d"))).isEqualTo(6);
    // SD-6's changelog clears its resolution once: 1 of the 2 solved in 24h was reopened
    assertThat(s.value("kpi_reopen_ratio", whole("window", "24h"))).isEqualTo(0.5);

    // CSAT from the Satisfaction field, dated by "Satisfaction date": 5 and 4 satisfied (11:00,
    // 12:45), 2 not (11-10); SD-2 has no Satisfaction field and SD-4 an empty one: no rating
    assertThat(s.value("kpi_csat_ratio", whole("window", "24h"))).isEqualTo(1.0);
    assertThat(s.value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(1.0);
    assertThat(s.value("kpi_csat_ratio", whole("window", "30d"))).isEqualTo(2.0 / 3);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Get IT help", "window", "30d")))
        .isEqualTo(0.5);

    // Jira's SLA clocks. First response in 24h: met SD-1, SD-6; breached SD-2 (replied 10:00
    // after its 09:30 breach) and SD-5 (ongoing, breached at 11:00) = 2 / 4; 30d adds SD-3 met
    assertThat(
            s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "first_response")))
        .isEqualTo(0.5);
    assertThat(
            s.value("kpi_sla_attainment_ratio", whole("window", "30d", "target", "first_response")))
        .isEqualTo(0.6);
    // resolution: SD-1 and SD-6 met in 24h; SD-3 breached (6 h against 4 h) in 30d
    assertThat(s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "resolution")))
        .isEqualTo(1.0);
    assertThat(s.value("kpi_sla_attainment_ratio", whole("window", "30d", "target", "resolution")))
        .isEqualTo(2.0 / 3);
    // at risk within the 1 h horizon: SD-2's resolution, due 13:30. Not SD-4 (due 16:00), not
    // SD-5 (first response already breached, resolution paused: no breach time)
    assertThat(
            s.value(
                "sla_at_risk_tickets",
                whole("group", "Request a change", "priority", "urgent", "channel", "none")))
        .isEqualTo(1);
    assertThat(sum(s, "sla_at_risk_tickets", Map.of("source", "vendor"))).isEqualTo(1);
  }

  @Test
  void aRestartAsksFromTheStoredWatermarkNotTheBackfillStart() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.resetRequests();
    clock.set(clock.instant().plusSeconds(600));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    List<LoggedRequest> searches = vendor.findAll(getRequestedFor(urlPathEqualTo(SEARCH)));
    assertThat(searches).hasSize(1);
    assertThat(searches.get(0).queryParameter("jql").firstValue()).isEqualTo(RESTART_JQL);
    assertThat(searches.get(0).queryParameter("nextPageToken").isPresent()).isFalse();
  }

  @Test
  void aForbiddenFieldListDoesNotBlockTheIssuesAndIsRetriedAndReported() {
    var forbidden =
        vendor.stubFor(
            get(urlPathEqualTo(FIELDS)).atPriority(1).willReturn(aResponse().withStatus(403)));
    vendor.stubFor(
        search(BACKFILL_JQL)
            .withQueryParam("nextPageToken", absent())
            .atPriority(2)
            .willReturn(okJson(fixture("issues-page1.json"))));
    // any later pass: SD-6 again
    vendor.stubFor(
        get(urlPathEqualTo(SEARCH))
            .atPriority(10)
            .willReturn(okJson(fixture("issues-restart.json"))));
    List<String> failures = new java.util.ArrayList<>();
    io.cxexporter.connector.RequestListener listener =
        new io.cxexporter.connector.RequestListener() {
          @Override
          public void onRequest(String endpoint, String code, java.time.Duration latency) {}

          @Override
          public void onRateLimitRemaining(double remaining) {}

          @Override
          public void onLookupFailed(String lookup, String kind, String message) {
            failures.add(lookup + " " + kind + " " + message);
          }
        };
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock, listener, sleeper));
    try (SyncHarness h = new SyncHarness(dir.resolve("forbidden"), c, clock)) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state(mainStream()).backfillDone()).isTrue();
      // every issue read and counted, without request types (group none) or SLA/CSAT fields
      assertThat(backlog(h.snapshot(), source())).isEqualTo(expectedBacklog());
      assertThat(sum(h.snapshot(), "tickets_open", Map.of("source", "vendor", "group", "none")))
          .isEqualTo(3);
      assertThat(h.snapshot().value("kpi_csat_ratio", whole("window", "30d"))).isNaN();
      assertThat(failures).hasSize(1).allSatisfy(f -> assertThat(f).startsWith("fields auth "));
      assertThat(failures.get(0)).doesNotContain("tok-SECRET");
      List<LoggedRequest> first =
          vendor.findAll(
              getRequestedFor(urlPathEqualTo(SEARCH)).withQueryParam("nextPageToken", absent()));
      assertThat(first.get(0).queryParameter("fields").firstValue())
          .isEqualTo(String.join(",", IssuesStream.FIELDS));

      // a minute later the field list works: asked again, and the next pass reads the fields
      vendor.removeStub(forbidden);
      vendor.resetRequests();
      clock.set(clock.instant().plusSeconds(61));
      assertThat(h.syncAll()).isEmpty();
      assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo(FIELDS)))).hasSize(1);
      List<LoggedRequest> next = vendor.findAll(getRequestedFor(urlPathEqualTo(SEARCH)));
      assertThat(next).hasSize(1);
      assertThat(next.get(0).queryParameter("fields").firstValue()).contains("customfield_10031");
      assertThat(
              h.snapshot()
                  .value("kpi_tickets_solved", whole("group", "Request a change", "window", "24h")))
          .isEqualTo(1);
    }
  }

  @Test
  void aPassKeepsItsFieldsWhenTheFieldListStartsWorkingMidPass() throws Exception {
    var forbidden =
        vendor.stubFor(
            get(urlPathEqualTo(FIELDS)).atPriority(1).willReturn(aResponse().withStatus(403)));
    vendor.stubFor(
        search(BACKFILL_JQL)
            .withQueryParam("nextPageToken", absent())
            .atPriority(2)
            .willReturn(okJson(fixture("issues-page1.json"))));
    var issues = connector(vendor.baseUrl(), ctx()).streams().get(0);
    var page1 = issues.read(io.cxexporter.model.Cursor.START);
    vendor.removeStub(forbidden);
    clock.set(clock.instant().plusSeconds(61));
    var page2 = issues.read(page1.next());
    assertThat(page2.records()).isNotEmpty();
    List<LoggedRequest> searches = vendor.findAll(getRequestedFor(urlPathEqualTo(SEARCH)));
    assertThat(searches).hasSize(2);
    assertThat(searches.get(1).queryParameter("nextPageToken").firstValue()).isEqualTo(TOKEN1);
    assertThat(searches.get(1).queryParameter("fields").firstValue())
        .isEqualTo(searches.get(0).queryParameter("fields").firstValue())
        .isEqualTo(String.join(",", IssuesStream.FIELDS));
  }

  @Test
  void checkSaysWhoIsSignedInAndInWhichTimeZone() {
    vendor.stubFor(
        get(urlPathEqualTo("/rest/api/3/myself"))
            .willReturn(
                okJson(
                    "{\"accountId\":\"5b10\",\"displayName\":\"Ops Bot\",\"timeZone\":\"UTC\"}")));
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    assertThat(c.check().ok()).isTrue();
    assertThat(c.check().message()).isEqualTo("signed in as Ops Bot (UTC)");
  }

  @Test
  void everyRequestCarriesTheTokenOnlyInTheAuthHeader() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl())))
        .allSatisfy(r -> assertThat(r.getUrl()).doesNotContain("tok-SECRET"));
  }

  /** The feedback fallback's first search: requests resolved in the last 7 days. */
  static final String FEEDBACK_JQL =
      "project in (SD) AND resolutiondate >= -10080m AND updated >= \"2026-11-11 13:00\""
          + " ORDER BY updated ASC";

  static final String FEEDBACK = "/rest/servicedeskapi/request/%s/feedback";

  /**
   * A site whose field list has no Satisfaction field: {@code auto} reads CSAT from the feedback
   * endpoint, for recently resolved requests changed after their resolution, and only those.
   */
  void stubFeedbackSite() {
    vendor.stubFor(
        get(urlPathEqualTo(FIELDS))
            .atPriority(1)
            .willReturn(okJson(fixture("fields-without-satisfaction.json"))));
    // the issues are asked without the Satisfaction fields the site does not have
    vendor.stubFor(
        search(BACKFILL_JQL)
            .withQueryParam("nextPageToken", absent())
            .withQueryParam(
                "fields",
                equalTo(
                    String.join(",", IssuesStream.FIELDS)
                        + ",customfield_10030,customfield_10031,customfield_10010"))
            .atPriority(1)
            .willReturn(okJson(fixture("issues-page1.json"))));
    vendor.stubFor(
        get(urlPathEqualTo(SEARCH))
            .withQueryParam("jql", equalTo(FEEDBACK_JQL))
            .withQueryParam(
                "fields", equalTo("updated,resolutiondate,components,customfield_10010"))
            .withQueryParam("maxResults", equalTo("25"))
            .withQueryParam("expand", equalTo("changelog"))
            .willReturn(okJson(fixture("feedback-search.json"))));
    vendor.stubFor(
        get(urlPathEqualTo(FEEDBACK.formatted("SD-1")))
            .willReturn(
                okJson("{\"type\":\"csat\",\"rating\":5,\"comment\":{\"body\":\"Great\"}}")));
    vendor.stubFor(
        get(urlPathEqualTo(FEEDBACK.formatted("SD-3")))
            .willReturn(okJson("{\"type\":\"csat\",\"rating\":2}")));
    vendor.stubFor(
        get(urlPathEqualTo(FEEDBACK.formatted("SD-7")))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody("{\"errorMessage\":\"No feedback found for request SD-7\"}")));
  }

  @Test
  void withoutASatisfactionFieldCsatComesFromTheFeedbackEndpointForRecentlyResolvedRequests() {
    stubFeedbackSite();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state(FeedbackStream.NAME).backfillDone()).isTrue();
      KpiSnapshot s = h.snapshot();
      // SD-1 rated 5 (dated 11:00 by its changelog), SD-3 rated 2 (11-12, dated by its update);
      // SD-7 has none (404); SD-6 changed only at its resolution, so it is not asked
      assertThat(s.value("kpi_csat_ratio", whole("window", "24h"))).isEqualTo(1.0);
      assertThat(s.value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(0.5);
      assertThat(s.value("kpi_csat_ratio", whole("group", "Get IT help", "window", "7d")))
          .isEqualTo(0.5);
      // the issues' own Satisfaction values are not read: the site has no such field
      assertThat(s.value("kpi_csat_ratio", whole("group", "Request a change", "window", "24h")))
          .isNaN();
    }
    assertThat(vendor.findAll(getRequestedFor(urlPathMatching("/rest/servicedeskapi/.*"))))
        .extracting(LoggedRequest::getUrl)
        .containsExactly(
            FEEDBACK.formatted("SD-3"), FEEDBACK.formatted("SD-1"), FEEDBACK.formatted("SD-7"));
    assertThat(requests.requests())
        .contains("request/feedback 200", "request/feedback 404", "search/jql (feedback) 200");

    // a restart asks from the feedback stream's own watermark (SD-7's 12:40 minus 5 minutes):
    // SD-7 is asked again (still none), nothing is counted twice
    vendor.resetRequests();
    vendor.stubFor(
        get(urlPathEqualTo(SEARCH))
            .withQueryParam(
                "jql", equalTo(FEEDBACK_JQL.replace("2026-11-11 13:00", "2026-11-18 12:35")))
            .willReturn(okJson(onlyIssue(fixture("feedback-search.json"), "10007"))));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.snapshot().value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(0.5);
    }
    assertThat(vendor.findAll(getRequestedFor(urlPathMatching("/rest/servicedeskapi/.*"))))
        .extracting(LoggedRequest::getUrl)
        .containsExactly(FEEDBACK.formatted("SD-7"));
  }

  @Test
  void withTheSatisfactionFieldTheFeedbackStreamSendsNothing() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state(FeedbackStream.NAME).backfillDone()).isTrue();
    }
    assertThat(vendor.findAll(getRequestedFor(urlPathMatching("/rest/servicedeskapi/.*"))))
        .isEmpty();
    assertThat(
            vendor.findAll(
                getRequestedFor(urlPathEqualTo(SEARCH))
                    .withQueryParam("jql", containing("resolutiondate"))))
        .isEmpty();
  }

  @Test
  void aForbiddenFeedbackEndpointIsAFailedLookupNotADownConnector() {
    stubFeedbackSite();
    vendor.stubFor(
        get(urlPathMatching("/rest/servicedeskapi/request/.*/feedback"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(403)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.lastError(FeedbackStream.NAME)).isNull();
      assertThat(h.snapshot().value("kpi_csat_ratio", whole("window", "7d"))).isNaN();
      assertThat(backlog(h.snapshot(), source())).isEqualTo(expectedBacklog());
    }
    // the first 403 skips the rest of the page: one request, one failed lookup
    assertThat(vendor.findAll(getRequestedFor(urlPathMatching("/rest/servicedeskapi/.*"))))
        .hasSize(1);
    assertThat(requests.lookupFailures()).containsExactly("feedback feature_unavailable");
  }

  /** The search page of {@code json} with only the issue {@code id}. */
  static String onlyIssue(String json, String id) {
    try {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      var doc = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(json);
      var kept = mapper.createArrayNode();
      doc.path("issues")
          .forEach(
              i -> {
                if (i.path("id").asText().equals(id)) {
                  kept.add(i);
                }
              });
      doc.set("issues", kept);
      return doc.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFailingFeedbackRequestFailsItsPageWhichIsReadAgainNotSkipped() {
    stubFeedbackSite();
    var broken =
        vendor.stubFor(
            get(urlPathEqualTo(FEEDBACK.formatted("SD-1")))
                .atPriority(1)
                .willReturn(aResponse().withStatus(502)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).containsOnlyKeys(FeedbackStream.NAME);
      assertThat(h.errors(FeedbackStream.NAME, "transient")).isEqualTo(1);
      assertThat(h.state(FeedbackStream.NAME).cursor().isStart())
          .as("the page's cursor is kept: SD-3's rating, read before the failure, is not lost")
          .isTrue();
      assertThat(h.state(mainStream()).backfillDone()).as("the issues never wait").isTrue();
      vendor.removeStub(broken);
      clock.set(clock.instant().plusSeconds(2)); // the backoff; the same JQL minute
      assertThat(h.syncAll()).as(() -> h.lastError(FeedbackStream.NAME)).isEmpty();
      assertThat(h.snapshot().value("kpi_csat_ratio", whole("window", "7d"))).isEqualTo(0.5);
    }
  }

  @Test
  void breachesAreCountedLiveOnceFromJirasOwnClocks() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).as("history is never counted").isEmpty();
      // 13:31: SD-2's ongoing "Time to resolution" passed its 13:30 breach time
      clock.set(java.time.Instant.parse("2026-11-18T13:31:00Z"));
      assertThat(h.kpi.tick())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.type()).isEqualTo(io.cxexporter.kpi.Transition.Type.SLA_BREACH);
                assertThat(t.detail()).isEqualTo("resolution");
                assertThat(t.dimensions()).contains("Request a change", "urgent");
              });
      assertThat(h.kpi.tick()).as("counted once").isEmpty();
      // the next pass re-reads SD-6 in its overlap: no breach, no other transition
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).isEmpty();
    }
  }
}
