package io.cxexporter.connector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorContractTest;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.model.Ticket;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.TestConnectors;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The HubSpot connector against stubs shaped like HubSpot's CRM API (search results {@code {id,
 * properties, createdAt, updatedAt}}, {@code paging.next.after}, pipelines, owners), through the
 * connector contract.
 *
 * <p>Tickets, all on Wednesday 2026-11-18 (inside the test's 08:00-17:00 business hours), now =
 * 13:00; three search pages of two (limit 2):
 *
 * <pre>
 * id   pipeline/stage              prio    source owner (team)        created first reply (cal/bus)  closed (cal/bus)       SLA due fr / close
 * 601  0/4 Closed (CLOSED)         HIGH    EMAIL  Ada (Billing 45)    08:00   08:20 20m/20m          09:30 90m/90m          09:00 / 12:00
 * 602  0/1 New (OPEN)              URGENT  CHAT   Alan (no team id)   09:00   09:45 45m/45m          -                      09:30 / -
 * 603  0/2 Waiting on contact      LOW     FORM   Ada (Billing 45)    10:00   10:10 10m/10m          -                      -
 * 604  777/7772 Done (CLOSED)      MEDIUM  PHONE  Grace (no team)     10:30   11:30 60m/30m          12:30 120m/60m         -
 * 605  0/3 Waiting on us (OPEN)    MEDIUM  EMAIL  Alan (Returns 46)   12:00   -                      -                      -
 * </pre>
 *
 * Alan's primary team is Returns (he is also in Tier 2); Grace has no team and no name, so her
 * e-mail stands for it. {@code stage_statuses} maps "Waiting on contact" to pending.
 */
class HubspotConnectorTest extends ConnectorContractTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TICKETS = "/crm/v3/objects/tickets/search";
  static final String FEEDBACK = "/crm/v3/objects/feedback_submissions/search";
  static final String COMPANIES = "/crm/v3/objects/companies/search";
  static final String DEALS = "/crm/v3/objects/deals/search";

  /** now − the default 90 days of backfill, 2026-08-20T13:00:00Z, in epoch ms. */
  static final String BACKFILL_MS = "1787230800000";

  /** The backfill start of the heal-later test, {@link #HEAL_AFTER} later. */
  static final String HEAL_BACKFILL_MS =
      Long.toString(Long.parseLong(BACKFILL_MS) + HEAL_AFTER.toMillis());

  /**
   * The backfill start of a stream read after a wait (the 429 test sleeps a second on the recording
   * clock before the later streams start).
   */
  static final String AROUND_BACKFILL_MS = "17872308\\d\\d000";

  /** The newest ticket (605, modified 12:50) minus the minute of overlap: 12:49. */
  static final String TICKETS_WATERMARK_MS = "1795006140000";

  /** 605's modification second, 12:50: where a pass restarted at the result cap starts. */
  static final String TICKETS_BOUNDARY_MS = "1795006200000";

  /** The newest feedback (802, modified 11:31) minus the overlap: 11:30. */
  static final String FEEDBACK_WATERMARK_MS = "1795001400000";

  /** The newest company (903, modified 09:00) minus the overlap: 08:59. */
  static final String COMPANIES_WATERMARK_MS = "1794992340000";

  /** The newest deal (704, modified 11:00) minus the overlap: 10:59. */
  static final String DEALS_WATERMARK_MS = "1794999540000";

  @Override
  protected String now() {
    return "2026-11-18T13:00:00Z";
  }

  @Override
  public Connector connector(String baseUrl, ConnectorContext ctx) {
    return builder(baseUrl).build(ctx);
  }

  /**
   * A HubSpot block against {@code baseUrl}: pages of 2 and a cap of 6 results (3 pages) per query
   * to keep the fixtures small; the search limit out of the way (tested on its own).
   */
  static TestConnectors<HubspotOptions> builder(String baseUrl) {
    return TestConnectors.of(new HubspotConnectorFactory())
        .with("base_url", baseUrl)
        .with("token", "pat-na1-SECRET")
        .with("limit", 2)
        .with("max_results_per_query", 6)
        .with("search_requests_per_second", 100)
        .with("stage_statuses", Map.of("Waiting on contact", "pending"))
        .with("churn_date_property", "churned_on")
        .with("mrr_property", "mrr");
  }

  static String fixture(String name) {
    return fixture("hubspot", name);
  }

  static ResponseDefinitionBuilder page(String body) {
    return okJson(body)
        .withHeader("X-HubSpot-RateLimit-Max", "190")
        .withHeader("X-HubSpot-RateLimit-Remaining", "189");
  }

  /** A search of {@code path} from {@code sinceMs} (a regex), the first page of its pass. */
  static MappingBuilder search(String path, String sinceMs) {
    return post(urlPathEqualTo(path))
        .withRequestBody(
            matchingJsonPath(
                "$.filterGroups[0].filters[0].propertyName", equalTo("hs_lastmodifieddate")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].operator", equalTo("GTE")))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].value", matching(sinceMs)))
        .withRequestBody(
            matchingJsonPath("$.sorts[0].propertyName", equalTo("hs_lastmodifieddate")))
        .withRequestBody(matchingJsonPath("$.sorts[0].direction", equalTo("ASCENDING")))
        .withRequestBody(matchingJsonPath("$.limit", equalTo("2")));
  }

  static MappingBuilder first(String path, String sinceMs) {
    return search(path, sinceMs).withRequestBody(notContaining("\"after\""));
  }

  static MappingBuilder next(String path, String sinceMs, String after) {
    return search(path, sinceMs).withRequestBody(matchingJsonPath("$.after", equalTo(after)));
  }

  /** The exact body of the backfill's first ticket search. */
  static final String FIRST_TICKETS_BODY =
      "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"hs_lastmodifieddate\","
          + "\"operator\":\"GTE\",\"value\":\""
          + BACKFILL_MS
          + "\"}]}],"
          + "\"sorts\":[{\"propertyName\":\"hs_lastmodifieddate\",\"direction\":\"ASCENDING\"}],"
          + "\"properties\":[\"subject\",\"createdate\",\"hs_lastmodifieddate\",\"hs_pipeline\","
          + "\"hs_pipeline_stage\",\"hs_ticket_priority\",\"hubspot_owner_id\",\"hubspot_team_id\","
          + "\"source_type\",\"first_agent_reply_date\",\"time_to_first_agent_reply\","
          + "\"hs_time_to_first_response_in_operating_hours\",\"closed_date\",\"time_to_close\","
          + "\"hs_time_to_close_in_operating_hours\",\"hs_time_to_first_response_sla_at\","
          + "\"hs_time_to_close_sla_at\"],\"limit\":2}";

  @Override
  protected void stubBackfill(WireMockServer v) {
    for (String since : List.of(BACKFILL_MS, HEAL_BACKFILL_MS)) {
      v.stubFor(
          post(urlPathEqualTo(TICKETS))
              .withRequestBody(equalToJson(FIRST_TICKETS_BODY.replace(BACKFILL_MS, since)))
              .willReturn(page(fixture("tickets-page1.json"))));
      v.stubFor(next(TICKETS, since, "2").willReturn(page(fixture("tickets-page2.json"))));
      v.stubFor(next(TICKETS, since, "4").willReturn(page(fixture("tickets-page3.json"))));
    }
    // the next pass starts a minute before 605 (12:50), which comes again: an upsert, no change
    v.stubFor(first(TICKETS, TICKETS_WATERMARK_MS).willReturn(page(fixture("tickets-page3.json"))));
    v.stubFor(
        first(FEEDBACK, AROUND_BACKFILL_MS)
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'hs_survey_type')]"))
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'hs_value')]"))
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'hs_submission_timestamp')]"))
            .willReturn(page(fixture("feedback.json"))));
    v.stubFor(first(FEEDBACK, FEEDBACK_WATERMARK_MS).willReturn(page(lastOnly("feedback.json"))));
    v.stubFor(
        first(COMPANIES, AROUND_BACKFILL_MS)
            .withRequestBody(
                matchingJsonPath("$.properties[?(@ == 'hs_lifecyclestage_customer_date')]"))
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'churned_on')]"))
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'mrr')]"))
            .willReturn(page(fixture("companies.json"))));
    v.stubFor(
        first(COMPANIES, COMPANIES_WATERMARK_MS).willReturn(page(lastOnly("companies.json"))));
    v.stubFor(
        first(DEALS, AROUND_BACKFILL_MS)
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'dealstage')]"))
            .withRequestBody(matchingJsonPath("$.properties[?(@ == 'closedate')]"))
            .willReturn(page(fixture("deals.json"))));
    v.stubFor(first(DEALS, DEALS_WATERMARK_MS).willReturn(page(lastOnly("deals.json"))));
    v.stubFor(
        get(urlPathEqualTo("/crm/v3/pipelines/tickets"))
            .willReturn(page(fixture("ticket-pipelines.json"))));
    v.stubFor(
        get(urlPathEqualTo("/crm/v3/pipelines/deals"))
            .willReturn(page(fixture("deal-pipelines.json"))));
    v.stubFor(
        get(urlPathEqualTo("/crm/v3/owners"))
            .withQueryParam("limit", equalTo("100"))
            .willReturn(page(fixture("owners.json"))));
  }

  /** A search page holding only the last result of fixture {@code name}, and no next page. */
  static String lastOnly(String name) {
    try {
      ObjectNode page = (ObjectNode) JSON.readTree(fixture(name));
      ArrayNode results = (ArrayNode) page.get("results");
      JsonNode last = results.get(results.size() - 1);
      results.removeAll();
      results.add(last);
      page.remove("paging");
      return page.toString();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first result of search page fixture {@code name}, as JSON text. */
  static String firstResult(String name) {
    try {
      return JSON.readTree(fixture(name)).path("results").get(0).toString();
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected MappingBuilder firstPage() {
    return first(TICKETS, BACKFILL_MS);
  }

  @Override
  protected List<LookedUp> lookedUpFields() {
    return List.of(
        new LookedUp("601", "group", "45", "Billing"),
        new LookedUp("602", "assignee", "102", "Alan Turing"));
  }

  @Override
  protected void stubLookupsFailing(WireMockServer v, ResponseDefinitionBuilder fault) {
    failGets(v, fault, "/crm/v3/pipelines/tickets", "/crm/v3/pipelines/deals", "/crm/v3/owners");
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad = replacedOnce(page, "\"id\": \"601\"", "\"id\": null");
    bad =
        replacedAfter(
            bad,
            "\"id\": \"602\"",
            "\"createdate\": \"2026-11-18T09:00:00.000Z\"",
            "\"createdate\": null");
    bad =
        replacedAfter(
            bad,
            "\"id\": \"602\"",
            "\"createdAt\": \"2026-11-18T09:00:00.000Z\"",
            "\"createdAt\": null");
    v.stubFor(firstPage().atPriority(1).willReturn(page(bad)));
    return "602";
  }

  @Override
  protected String mainStream() {
    return "tickets";
  }

  static RequestPatternBuilder ticketSearch(String sinceMs) {
    return postRequestedFor(urlPathEqualTo(TICKETS))
        .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].value", equalTo(sinceMs)));
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        ticketSearch(BACKFILL_MS).withRequestBody(notContaining("\"after\"")),
        ticketSearch(BACKFILL_MS).withRequestBody(matchingJsonPath("$.after", equalTo("2"))),
        ticketSearch(BACKFILL_MS).withRequestBody(matchingJsonPath("$.after", equalTo("4"))));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad =
        page.replaceFirst(
            "\"createdate\": \"2026-11-18T08:00:00.000Z\"", "\"createdate\": \"yesterday\"");
    assertThat(bad).isNotEqualTo(page);
    v.stubFor(firstPage().atPriority(1).willReturn(page(bad)));
    return "601";
  }

  @Override
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(
        PagingStyle.LAST_PAGE,
        PagingStyle.TOKEN_LOOP,
        PagingStyle.CAP_RESTART,
        PagingStyle.POST_BODY);
  }

  @Override
  protected void stubTokenLoop(WireMockServer v) {
    // page 2 hands back the "after" it was asked with
    String loop = fixture("tickets-page2.json").replace("\"after\": \"4\"", "\"after\": \"2\"");
    assertThat(loop).contains("\"after\": \"2\"");
    v.stubFor(next(TICKETS, BACKFILL_MS, "2").atPriority(1).willReturn(page(loop)));
  }

  @Override
  protected RequestPatternBuilder secondPostPage() {
    return ticketSearch(BACKFILL_MS).withRequestBody(matchingJsonPath("$.after", equalTo("2")));
  }

  /**
   * The cap (6 results, 3 pages of 2 here; 10,000 at HubSpot) is reached after page 3, which now
   * says there is more ({@code after: "6"}, a query HubSpot would refuse with a 400). The pass
   * restarts with GTE = 605's second (12:50) and no {@code after}; that query sends 605 again,
   * dropped by id before mapping (its copy here has another subject, which must not replace the
   * stored one).
   */
  @Override
  protected RequestPatternBuilder stubCapRestart(WireMockServer v) {
    String more =
        fixture("tickets-page3.json")
            .replace("\"results\"", "\"paging\": {\"next\": {\"after\": \"6\"}}, \"results\"");
    assertThat(more).contains("\"after\": \"6\"");
    v.stubFor(next(TICKETS, BACKFILL_MS, "4").atPriority(1).willReturn(page(more)));
    v.stubFor(
        next(TICKETS, BACKFILL_MS, "6")
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"status\":\"error\",\"message\":\"There was a problem with the request.\","
                            + "\"category\":\"VALIDATION_ERROR\"}")));
    String repeated = fixture("tickets-page3.json").replace("Parcel lost", "REPEATED COPY");
    assertThat(repeated).contains("REPEATED COPY");
    v.stubFor(first(TICKETS, TICKETS_BOUNDARY_MS).atPriority(1).willReturn(page(repeated)));
    return ticketSearch(TICKETS_BOUNDARY_MS).withRequestBody(notContaining("\"after\""));
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
      assertThat(subjects).containsEntry("605", "Parcel lost").hasSize(5);
    }
    assertThat(
            vendor.findAll(
                ticketSearch(BACKFILL_MS)
                    .withRequestBody(matchingJsonPath("$.after", equalTo("6")))))
        .isEmpty();
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", "Bearer pat-na1-SECRET");
  }

  @Override
  protected int backfillRequests() {
    // tickets: 3 search pages; feedback, companies and deals: 1 page each; lookups: the ticket
    // pipelines, the owners (with their teams) and the deal pipelines, once each
    return 3 + 1 + 1 + 1 + 3;
  }

  @Override
  protected int restartRequests() {
    // one caught-up search per stream, and the names of what the minute of overlap re-reads, as a
    // new process has none cached: ticket 605 asks for the ticket pipelines and the owners, deal
    // 704 for the deal pipelines
    return 4 + 3;
  }

  @Override
  protected int expectedBacklog() {
    return 3; // 602 open (New), 603 pending (Waiting on contact), 605 open (Waiting on us)
  }

  static double kpi(KpiSnapshot s, String name, String window) {
    return s.value(name, whole("window", window));
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    assertTickets(s);
    assertSurveys(s);
    assertCustomers(s);
    assertDeals(s);
  }

  static void assertTickets(KpiSnapshot s) {
    // backlog by status, group (team, else the owner's primary team), priority and channel
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status", "open", "group", "Returns", "priority", "urgent", "channel", "chat")))
        .isEqualTo(1); // 602: New is an OPEN stage; no team id, Alan's primary team
    assertThat(
            s.value(
                "tickets_open",
                whole(
                    "status", "pending", "group", "Billing", "priority", "low", "channel", "web")))
        .isEqualTo(1); // 603: "Waiting on contact" configured as pending; FORM is web
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
        .isEqualTo(1); // 605: team 46; MEDIUM is normal
    assertThat(sum(s, "tickets_open")).isEqualTo(3);
    // first response, HubSpot's time_to_first_agent_reply (ms): 603 600, 601 1200, 602 2700,
    // 604 3600 s. Nearest rank: p50 = 2nd of 4 = 1200, p90 = 4th = 3600, mean 8100 / 4 = 2025.
    String fr = "kpi_first_response_seconds";
    assertThat(s.value(fr, whole("window", "24h", "hours", "calendar", "stat", "p50")))
        .isEqualTo(1200);
    assertThat(s.value(fr, whole("window", "24h", "hours", "calendar", "stat", "p90")))
        .isEqualTo(3600);
    assertThat(s.value(fr, whole("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(2025);
    // business: the _in_operating_hours variant, 604 only 1800: 600, 1200, 1800, 2700 →
    // p50 1200, p90 2700, mean 6300 / 4 = 1575
    assertThat(s.value(fr, whole("window", "24h", "hours", "business", "stat", "p50")))
        .isEqualTo(1200);
    assertThat(s.value(fr, whole("window", "24h", "hours", "business", "stat", "p90")))
        .isEqualTo(2700);
    assertThat(s.value(fr, whole("window", "24h", "hours", "business", "stat", "mean")))
        .isEqualTo(1575);
    // resolution, time_to_close of the solved ones: 601 5400, 604 7200 → p50 5400, p90 7200,
    // mean 6300; business 601 5400, 604 3600 → p50 3600, p90 5400, mean 4500
    String res = "kpi_resolution_seconds";
    assertThat(s.value(res, whole("window", "24h", "hours", "calendar", "stat", "p50")))
        .isEqualTo(5400);
    assertThat(s.value(res, whole("window", "24h", "hours", "calendar", "stat", "p90")))
        .isEqualTo(7200);
    assertThat(s.value(res, whole("window", "24h", "hours", "calendar", "stat", "mean")))
        .isEqualTo(6300);
    assertThat(s.value(res, whole("window", "24h", "hours", "business", "stat", "p50")))
        .isEqualTo(3600);
    assertThat(s.value(res, whole("window", "24h", "hours", "business", "stat", "mean")))
        .isEqualTo(4500);
    assertThat(kpi(s, "kpi_tickets_solved", "24h")).isEqualTo(2); // 601, 604 (CLOSED stages)
    assertThat(kpi(s, "kpi_tickets_created", "24h")).isEqualTo(5);
    assertThat(s.value("kpi_tickets_solved", whole("group", "Billing", "window", "24h")))
        .isEqualTo(1); // 601; 604's owner has no team: group none
    // SLA on HubSpot's own due times: first response met by 601 (08:20 ≤ 09:00), breached by
    // 602 (09:45 > 09:30) → 1/2; time to close met by 601 (09:30 ≤ 12:00) → 1
    assertThat(
            s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "first_response")))
        .isEqualTo(0.5);
    assertThat(s.value("kpi_sla_attainment_ratio", whole("window", "24h", "target", "resolution")))
        .isEqualTo(1.0);
  }

  static void assertSurveys(KpiSnapshot s) {
    // NPS = 100 × (promoters − detractors) ÷ answers. 24h: 801 (10), 802 (9): no detractors →
    // 100 × 2 / 2 = 100. 7d: + 803 (7, passive) → 100 × 2 / 3. 30d: + 804 (3) → 100 × 1 / 4 = 25.
    assertThat(kpi(s, "kpi_nps_score", "24h")).isEqualTo(100.0);
    assertThat(kpi(s, "kpi_nps_score", "7d")).isEqualTo(200.0 / 3);
    assertThat(kpi(s, "kpi_nps_score", "30d")).isEqualTo(25.0);
    // no answer in the last hour (the newest is 802 at 11:30): no value, not 0
    assertThat(kpi(s, "kpi_nps_score", "1h")).isNaN();
    assertThat(s.find("kpi_nps_score", Map.of("source", "vendor", "window", "1h"))).isEmpty();
    // CSAT: only 2 (happy) of 0..2 is satisfied. 24h: 811 (2), 812 (1) → 1/2; 7d and 30d: + 813
    // (0, 11-14) → 1/3
    assertThat(kpi(s, "kpi_csat_ratio", "24h")).isEqualTo(0.5);
    assertThat(kpi(s, "kpi_csat_ratio", "7d")).isEqualTo(1.0 / 3);
    assertThat(kpi(s, "kpi_csat_ratio", "30d")).isEqualTo(1.0 / 3);
    // CES mean: 24h 821 (6) and 822 (3, 11-17 14:00) → 4.5; 30d + 823 (7) → 16 / 3. The CUSTOM
    // survey 831 is not one of the three and is skipped.
    assertThat(kpi(s, "kpi_ces_score", "24h")).isEqualTo(4.5);
    assertThat(kpi(s, "kpi_ces_score", "7d")).isEqualTo(4.5);
    assertThat(kpi(s, "kpi_ces_score", "30d")).isEqualTo(16.0 / 3);
  }

  /**
   * Companies (customer date; churned_on; mrr): 901 2025-01-10, -, 100; 902 2025-06-01, 11-10, 50;
   * 903 11-18 09:00 (new), -, 30; 905 2024-03-01, 11-18 (00:00 UTC), 20; 906 11-14, -, 10; 904 is a
   * lead (no customer date) and no customer at all.
   */
  static void assertCustomers(KpiSnapshot s) {
    assertThat(s.value("customers", whole("state", "active"))).isEqualTo(3); // 901, 903, 906
    assertThat(s.value("customers", whole("state", "churned"))).isEqualTo(2); // 902, 905
    assertThat(s.value("mrr", whole())).isEqualTo(140); // 100 + 30 + 10
    // 24h (from 11-17 13:00): at the start 901, 905, 906 = 3; lost 905 → churn 1/3; at the end
    // 901, 903, 906 = 3, new 903 → retention (3 − 1) / 3; MRR lost 20 of 100 + 20 + 10
    assertThat(kpi(s, "kpi_churn_ratio", "24h")).isEqualTo(1.0 / 3);
    assertThat(kpi(s, "kpi_retention_ratio", "24h")).isEqualTo(2.0 / 3);
    assertThat(kpi(s, "kpi_mrr_churn_ratio", "24h")).isEqualTo(20.0 / 130);
    // 7d (from 11-11 13:00): at the start 901, 905 = 2; lost 905 → 1/2; at the end 3, new 903
    // and 906 → (3 − 2) / 2; MRR lost 20 of 120
    assertThat(kpi(s, "kpi_churn_ratio", "7d")).isEqualTo(0.5);
    assertThat(kpi(s, "kpi_retention_ratio", "7d")).isEqualTo(0.5);
    assertThat(kpi(s, "kpi_mrr_churn_ratio", "7d")).isEqualTo(20.0 / 120);
    // 30d (from 10-19 13:00): at the start 901, 902, 905 = 3; lost 902, 905 → 2/3; at the end 3,
    // new 903, 906 → (3 − 2) / 3; MRR lost 50 + 20 of 170
    assertThat(kpi(s, "kpi_churn_ratio", "30d")).isEqualTo(2.0 / 3);
    assertThat(kpi(s, "kpi_retention_ratio", "30d")).isEqualTo(1.0 / 3);
    assertThat(kpi(s, "kpi_mrr_churn_ratio", "30d")).isEqualTo(70.0 / 170);
  }

  /**
   * Deals by close date: 701 won 11-18 10:00, 702 lost 11-17 15:00, 703 won 11-12, 705 lost 11-01;
   * 704 is open (its closedate is only expected) and never counts.
   */
  static void assertDeals(KpiSnapshot s) {
    assertThat(kpi(s, "kpi_conversion_ratio", "24h")).isEqualTo(0.5); // 701 of 701, 702
    assertThat(kpi(s, "kpi_conversion_ratio", "7d")).isEqualTo(2.0 / 3); // + 703
    assertThat(kpi(s, "kpi_conversion_ratio", "30d")).isEqualTo(0.5); // + 705: 2 of 4
    assertThat(kpi(s, "kpi_conversion_ratio", "1h")).isNaN(); // none closed in the last hour
  }

  /** The lookup at {@code path} fails with {@code status} until the stub is removed. */
  com.github.tomakehurst.wiremock.stubbing.StubMapping fail(String path, int status) {
    return vendor.stubFor(
        get(urlPathEqualTo(path)).atPriority(1).willReturn(aResponse().withStatus(status)));
  }

  @Test
  void failingPipelineAndOwnerLookupsNeverBlockTheRecordsAndAreRetriedLater() {
    List<com.github.tomakehurst.wiremock.stubbing.StubMapping> failing =
        List.of(
            fail("/crm/v3/pipelines/tickets", 500),
            fail("/crm/v3/pipelines/deals", 500),
            fail("/crm/v3/owners", 403));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("tickets").backfillDone()).isTrue();
      KpiSnapshot s = h.snapshot();
      // without stages, closed_date decides: 601 and 604 solved, the other three open; the label
      // "Waiting on contact" is unknown, so 603 is open, not pending
      assertThat(sum(s, "tickets_open")).isEqualTo(3);
      assertThat(kpi(s, "kpi_tickets_solved", "24h")).isEqualTo(2);
      // team ids stand for names; 602's owner's team is unknown: none
      assertThat(
              s.value(
                  "tickets_open",
                  whole("status", "open", "group", "45", "priority", "low", "channel", "web")))
          .isEqualTo(1);
      assertThat(
              s.value(
                  "tickets_open",
                  whole(
                      "status", "open", "group", "none", "priority", "urgent", "channel", "chat")))
          .isEqualTo(1);
      // deals fall back to their own hs_is_closed_won / hs_is_closed: the same conversion
      assertDeals(s);
      // two minutes later the lookups work and 603 changes: read again, its lookups are asked
      // again, answer, and it is pending in Billing
      failing.forEach(vendor::removeStub);
      clock.advance(java.time.Duration.ofMinutes(2));
      String again =
          "{\"total\":1,\"results\":["
              + firstResult("tickets-page2.json")
                  .replace("2026-11-18T10:30:00.000Z", "2026-11-18T13:01:00.000Z")
              + "]}";
      assertThat(again).contains("13:01:00.000Z");
      vendor.stubFor(first(TICKETS, TICKETS_WATERMARK_MS).atPriority(1).willReturn(page(again)));
      assertThat(h.syncAll()).isEmpty();
      s = h.snapshot();
      assertThat(
              s.value(
                  "tickets_open",
                  whole(
                      "status",
                      "pending",
                      "group",
                      "Billing",
                      "priority",
                      "low",
                      "channel",
                      "web")))
          .isEqualTo(1);
      assertThat(sum(s, "tickets_open")).isEqualTo(3);
    }
    assertThat(requests.requests())
        .containsSubsequence(
            "pipelines/tickets 500", // once: a lookup is not retried, it is asked again later
            "owners 403",
            "pipelines/tickets 200",
            "owners 200");
    assertThat(requests.lookupFailures())
        .containsExactlyInAnyOrder(
            "pipelines/tickets transient", "pipelines/deals transient", "owners auth");
  }

  @Test
  void answersAndDealsClosedWhileRunningAreCountedOnceWithTheirScoreAndOutcome() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).as("history is never counted").isEmpty();
      clock.set(java.time.Instant.parse("2026-11-18T13:05:00Z"));
      // 13:02 a happy CSAT (2) and a passive-free NPS 6; 13:03 deal 704 is won
      String csat =
          "{\"id\":\"814\",\"properties\":{\"hs_survey_type\":\"CSAT\",\"hs_value\":\"2\","
              + "\"hs_submission_timestamp\":\"2026-11-18T13:02:00.000Z\","
              + "\"hs_lastmodifieddate\":\"2026-11-18T13:02:00.000Z\"}}";
      String nps =
          "{\"id\":\"805\",\"properties\":{\"hs_survey_type\":\"NPS\",\"hs_value\":\"6\","
              + "\"hs_submission_timestamp\":\"2026-11-18T13:02:30.000Z\","
              + "\"hs_lastmodifieddate\":\"2026-11-18T13:02:30.000Z\"}}";
      vendor.stubFor(
          first(FEEDBACK, FEEDBACK_WATERMARK_MS)
              .atPriority(1)
              .willReturn(page("{\"total\":2,\"results\":[" + csat + "," + nps + "]}")));
      String won =
          lastOnly("deals.json")
              .replace("appointmentscheduled", "closedwon")
              .replace(
                  "\"hs_lastmodifieddate\":\"2026-11-18T11:00:00.000Z\"",
                  "\"hs_lastmodifieddate\":\"2026-11-18T13:03:00.000Z\"")
              .replace(
                  "\"closedate\":\"2026-11-30T00:00:00.000Z\"",
                  "\"closedate\":\"2026-11-18T13:03:00.000Z\"");
      assertThat(won).contains("closedwon", "13:03:00.000Z\",\"createdate");
      vendor.stubFor(first(DEALS, DEALS_WATERMARK_MS).atPriority(1).willReturn(page(won)));
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .extracting(t -> t.type() + " " + t.detail() + " " + t.score())
          .containsExactlyInAnyOrder("SURVEY csat good", "SURVEY nps 6", "DEAL_CLOSED won null");
      KpiSnapshot s = h.snapshot();
      // the last hour: one CSAT, satisfied → 1; one NPS answer, a detractor → −100; one deal
      // closed, won → 1
      assertThat(kpi(s, "kpi_csat_ratio", "1h")).isEqualTo(1.0);
      assertThat(kpi(s, "kpi_nps_score", "1h")).isEqualTo(-100.0);
      assertThat(kpi(s, "kpi_conversion_ratio", "1h")).isEqualTo(1.0);
      // read again on the next poll (from 805's 13:02:30 and 704's 13:03 minus the minute):
      // upserts, nothing counted twice
      vendor.stubFor(
          first(FEEDBACK, "1795006890000")
              .willReturn(page("{\"total\":2,\"results\":[" + csat + "," + nps + "]}")));
      vendor.stubFor(first(DEALS, "1795006920000").willReturn(page(won)));
      h.transitions.clear();
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions).isEmpty();
    }
  }

  @Test
  void checkAsksForOneOwnerAndNeverShowsTheToken() {
    Connector c = connector(vendor.baseUrl(), new ConnectorContext(clock));
    vendor.stubFor(
        get(urlPathEqualTo("/crm/v3/owners"))
            .withQueryParam("limit", equalTo("1"))
            .willReturn(okJson("{\"results\":[]}")));
    assertThat(c.check().ok()).isTrue();
    vendor.stubFor(
        get(urlPathEqualTo("/crm/v3/owners"))
            .withQueryParam("limit", equalTo("1"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(401)));
    assertThat(c.check().message()).isEqualTo("HTTP 401 from owners: credentials rejected");
    assertThat(c.check().message()).doesNotContain("SECRET");
  }
}
