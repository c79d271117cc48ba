package io.cxexporter.connector.zendesk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorContractTest;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.testing.TestConnectors;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.Credentials;
import org.junit.jupiter.api.Test;

/** The Zendesk connector against Zendesk-shaped stubs, through the connector contract. */
class ZendeskConnectorTest extends ConnectorContractTest {
  static final String EXPORT = "/api/v2/incremental/tickets/cursor.json";
  static final String RATINGS = "/api/v2/satisfaction_ratings.json";
  static final String SLA_EVENTS = "/api/v2/incremental/ticket_metric_events.json";
  static final String SLA_POLICIES = "/api/v2/slas/policies.json";
  static final String CURSOR1 = "MTc5NTUxNDcwMHx8MTA0fA==";
  static final String CURSOR2 = "MTc5NTUyMTcwMHx8MTA0fA==";

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

  /** A Zendesk block against {@code baseUrl}, as the contract tests use it. */
  static TestConnectors<ZendeskOptions> builder(String baseUrl) {
    return TestConnectors.of(new ZendeskConnectorFactory())
        .with("base_url", baseUrl)
        .with("auth", Map.of("email", "ops@acme.example", "token", "tok-SECRET"))
        .with("export_requests_per_minute", 1000);
  }

  static String fixture(String name) {
    return fixture("zendesk", name);
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    stubFixtures(v);
  }

  /**
   * Every page of a full backfill and the "nothing new" answers after it, on {@code v}; also what
   * {@link ZendeskRecipeCrossCheckTest} runs the http_json recipe against.
   */
  static void stubFixtures(WireMockServer v) {
    v.stubFor(
        get(urlPathEqualTo(EXPORT))
            .withQueryParam("start_time", matching("\\d+"))
            .withQueryParam("include", equalTo("metric_sets"))
            .willReturn(okJson(fixture("tickets-page1.json"))));
    v.stubFor(
        get(urlPathEqualTo(EXPORT))
            .withQueryParam("cursor", equalTo(CURSOR1))
            .willReturn(okJson(fixture("tickets-page2.json"))));
    v.stubFor(
        get(urlPathEqualTo(EXPORT))
            .withQueryParam("cursor", equalTo(CURSOR2))
            .willReturn(okJson(fixture("tickets-empty.json"))));
    v.stubFor(
        get(urlPathEqualTo(RATINGS))
            .withQueryParam("score", equalTo("received"))
            .withQueryParam("start_time", matching("\\d+"))
            .withQueryParam("page[after]", absent())
            .willReturn(okJson(fixture("ratings-page1.json"))));
    v.stubFor(
        get(urlPathEqualTo(RATINGS))
            .withQueryParam("page[after]", equalTo("eyJvIjoiaWQiLCJ2IjoiYVFFQ0FBQUFBQUFBIn0="))
            .willReturn(okJson(fixture("ratings-page2.json"))));
    // the next poll asks from the newest rating (12:45) minus a minute of overlap: nothing new
    v.stubFor(
        get(urlPathEqualTo(RATINGS))
            .withQueryParam("start_time", equalTo("1795005840"))
            .atPriority(2)
            .willReturn(okJson(fixture("ratings-empty.json"))));
    v.stubFor(
        get(urlPathEqualTo("/api/v2/groups.json")).willReturn(okJson(fixture("groups.json"))));
    v.stubFor(
        get(urlPathEqualTo("/api/v2/users/show_many.json"))
            .withQueryParam("ids", equalTo("22,23"))
            .willReturn(okJson(fixture("users-22-23.json"))));
    v.stubFor(get(urlPathEqualTo("/api/v2/users/me.json")).willReturn(okJson(fixture("me.json"))));
    v.stubFor(get(urlPathEqualTo(SLA_POLICIES)).willReturn(okJson(fixture("sla-policies.json"))));
    v.stubFor(
        get(urlPathEqualTo(SLA_EVENTS))
            .withQueryParam("start_time", matching("\\d+"))
            .withQueryParam("page[size]", absent())
            .atPriority(3)
            .willReturn(okJson(fixture("sla-events-page1.json"))));
    // the next poll starts at the last page's end_time (the 10:40 breach): nothing new
    v.stubFor(
        get(urlPathEqualTo(SLA_EVENTS))
            .withQueryParam("start_time", equalTo("1794998400"))
            .atPriority(2)
            .willReturn(okJson(fixture("sla-events-empty.json"))));
  }

  @Override
  protected MappingBuilder firstPage() {
    return get(urlPathEqualTo(EXPORT)).withQueryParam("start_time", matching("\\d+"));
  }

  @Override
  protected List<LookedUp> lookedUpFields() {
    return List.of(
        new LookedUp("101", "group", "11", "Billing"),
        new LookedUp("103", "assignee", "23", "Bo Kranjc"));
  }

  @Override
  protected void stubLookupsFailing(WireMockServer v, ResponseDefinitionBuilder fault) {
    failGets(v, fault, "/api/v2/groups.json", "/api/v2/users/show_many.json", SLA_POLICIES);
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    // 101 is not on page 2 (102 is: its later version is stored)
    String bad = replacedAfter(page, "{\"id\": 101,", "\"status\": \"solved\"", "\"status\": null");
    bad = replacedOnce(bad, "{\"id\": 102,", "{\"id\": null,");
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "101";
  }

  @Override
  protected String mainStream() {
    return "tickets";
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        getRequestedFor(urlPathEqualTo(EXPORT))
            .withQueryParam("start_time", matching("\\d+"))
            .withQueryParam("cursor", absent()),
        getRequestedFor(urlPathEqualTo(EXPORT))
            .withQueryParam("cursor", equalTo(CURSOR1))
            .withQueryParam("start_time", absent()));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad =
        page.replaceFirst("\"created_at\": *\"2026-11-18T08:00:00Z\"", "\"created_at\":\"soon\"");
    assertThat(bad).isNotEqualTo(page);
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "101";
  }

  @Override
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(PagingStyle.LAST_PAGE, PagingStyle.TOKEN_LOOP);
  }

  @Override
  protected void stubTokenLoop(WireMockServer v) {
    String loop =
        fixture("tickets-page2.json")
            .replace(CURSOR2, CURSOR1)
            .replace("\"end_of_stream\": true", "\"end_of_stream\": false")
            .replace("\"end_of_stream\":true", "\"end_of_stream\":false");
    assertThat(loop).contains("\"end_of_stream\": false");
    v.stubFor(
        get(urlPathEqualTo(EXPORT))
            .withQueryParam("cursor", equalTo(CURSOR1))
            .atPriority(1)
            .willReturn(okJson(loop)));
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", Credentials.basic("ops@acme.example/token", "tok-SECRET"));
  }

  @Override
  protected int backfillRequests() {
    // two export pages, two ratings pages, one users/show_many, one groups list,
    // the SLA policy list and one page of ticket metric events
    return 8;
  }

  @Override
  protected int restartRequests() {
    return 4; // one caught-up probe per stream (3) and the SLA policy list
  }

  @Override
  protected int expectedBacklog() {
    return 1; // 103 pending; 101 and 102 solved, 104 deleted
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    // Zendesk's own reply_time_in_minutes: 30, 60 and 10 calendar; 20, 45 and 10 business
    assertThat(
            s.value(
                "kpi_first_response_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "p50")))
        .isEqualTo(1800);
    assertThat(
            s.value(
                "kpi_first_response_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "p90")))
        .isEqualTo(3600);
    assertThat(
            s.value(
                "kpi_first_response_seconds",
                whole("window", "24h", "hours", "business", "stat", "p50")))
        .isEqualTo(1200);
    assertThat(
            s.value(
                "kpi_first_response_seconds",
                whole("window", "24h", "hours", "business", "stat", "p90")))
        .isEqualTo(2700);
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(9000);
    assertThat(
            s.value(
                "kpi_resolution_seconds",
                whole("window", "24h", "hours", "business", "stat", "mean")))
        .isEqualTo(7200);
    // requester_wait_time_in_minutes of the solved 101 (100 calendar, 70 business) and 102 (150,
    // 120); 103's running 10 minutes are not counted (pending, not solved). Calendar: mean 125
    // min = 7500 s, p50 nearest rank 1 of 2 = 100 min, p90 rank 2 = 150 min; business: mean 95 min
    // = 5700 s, p50 70 min, p90 120 min. Returns (102 alone): 150 min.
    for (Object[] e :
        new Object[][] {
          {"calendar", "mean", 7500.0},
          {"calendar", "p50", 6000.0},
          {"calendar", "p90", 9000.0},
          {"business", "mean", 5700.0},
          {"business", "p50", 4200.0},
          {"business", "p90", 7200.0}
        }) {
      assertThat(
              s.value(
                  "kpi_requester_wait_seconds",
                  whole("window", "24h", "hours", (String) e[0], "stat", (String) e[1])))
          .as("requester wait %s %s", e[0], e[1])
          .isEqualTo((double) e[2]);
    }
    assertThat(
            s.value(
                "kpi_requester_wait_seconds",
                whole("group", "Returns", "window", "24h", "hours", "calendar", "stat", "p50")))
        .isEqualTo(9000);
    // replies of the solved 101 (1) and 102 (2)
    assertThat(s.value("kpi_agent_replies_per_ticket", whole("window", "24h"))).isEqualTo(1.5);
    // the one open ticket, 103, is assigned (Bo Kranjc): 0 unassigned, no oldest unassigned age
    assertThat(
            s.value(
                "tickets_unassigned",
                whole("group", "Billing", "priority", "low", "channel", "chat")))
        .isEqualTo(0);
    assertThat(s.find("tickets_unassigned", Map.of("source", "vendor"))).hasSize(1);
    assertThat(s.find("ticket_unassigned_oldest_age_seconds", Map.of("source", "vendor")))
        .isEmpty();
    assertThat(s.value("kpi_tickets_solved", whole("window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_created", whole("window", "24h"))).isEqualTo(3);
    assertThat(s.value("kpi_first_contact_resolution_ratio", whole("window", "24h")))
        .isEqualTo(0.5);
    assertThat(s.value("kpi_reopen_ratio", whole("window", "24h"))).isEqualTo(0.5);
    assertThat(s.value("kpi_escalation_ratio", whole("window", "24h"))).isEqualTo(1.0 / 3);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Returns", "window", "24h")))
        .isEqualTo(1);
    // ratings 501 good, 502 bad, 504 good_with_comment; 503 only offered
    assertThat(s.value("kpi_csat_ratio", whole("window", "24h"))).isEqualTo(2.0 / 3);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Billing", "window", "24h")))
        .isEqualTo(1.0);
    assertThat(s.value("kpi_csat_ratio", whole("group", "Returns", "window", "24h")))
        .isEqualTo(0.0);
    assertThat(s.value("kpi_csat_ratio", whole("channel", "web", "window", "24h"))).isEqualTo(0.0);
    // Zendesk's SLA clocks: first reply met on 101 (30 < 60 min), 102 (the 30-minute target was
    // raised to 2 h and its 09:30 breach deleted) and 103 (10 < 15 business minutes); 101's 1-hour
    // resolution breached at 09:00. 104's breached clock left with the ticket.
    assertThat(
            s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "first_response")))
        .isEqualTo(1.0);
    assertThat(s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "resolution")))
        .isEqualTo(0.0);
    // 103's 4 business hours from 09:30 fall due at 13:30, within the 1 h horizon of 13:00
    assertThat(
            s.value(
                "sla_at_risk_tickets",
                whole("group", "Billing", "priority", "low", "channel", "chat")))
        .isEqualTo(1);
    assertThat(
            s.find("sla_at_risk_tickets", Map.of("source", "vendor")).stream()
                .mapToDouble(io.cxexporter.kpi.KpiSeries::value)
                .sum())
        .isEqualTo(1);
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status", "pending", "group", "Billing", "priority", "low", "channel", "chat")))
        .isEqualTo(1);
  }

  @Test
  void fiveThousandUnknownGroupIdsCostOneGroupListRequestNotOneEach() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    var page =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json.readTree(fixture("tickets-page1.json"));
    var one = (com.fasterxml.jackson.databind.node.ObjectNode) page.get("tickets").get(0);
    var many = json.createArrayNode();
    for (int i = 0; i < 5000; i++) {
      var t = one.deepCopy();
      t.put("id", 10_000 + i);
      t.put("group_id", 900_000 + i); // not in the group list
      many.add(t);
    }
    page.set("tickets", many);
    vendor.stubFor(firstPage().atPriority(1).willReturn(okJson(json.writeValueAsString(page))));
    try (io.cxexporter.sync.SyncHarness h = harness()) {
      assertThat(h.sync(mainStream())).isNull();
      assertThat(h.state(mainStream()).backfillDone()).isTrue();
    }
    assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/api/v2/groups.json"))))
        .as("the first load; unknown ids reload the list at most once a minute")
        .hasSize(1);
  }

  @Test
  void checkProbesUsersMe() {
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    assertThat(c.check().ok()).isTrue();
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/users/me.json"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(401)));
    assertThat(c.check().message()).isEqualTo("HTTP 401 from users/me: credentials rejected");
  }
}
