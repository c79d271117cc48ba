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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Request Tracker recipe, {@code examples/generic/rt.yml}, loaded through the real config
 * loader (its {@code ${RT_URL}} pointed at WireMock), through the connector contract. The one
 * change to the file: the page size 100 becomes 3, so that the seven fixture tickets span three
 * pages.
 *
 * <p>The fixtures ({@code src/test/resources/generic/rt}) are shaped like RT 5's answer to {@code
 * GET /REST/2.0/tickets?query=...&fields=...&fields[Queue]=Name}, read from the code that writes it
 * (bestpractical/rt, tag rt-5.0.8): the envelope {@code count, page, pages, per_page, total,
 * next_page, prev_page, items} of {@code lib/RT/REST2/Resource/Collection.pm} ({@code serialize}:
 * next_page and prev_page are the request's own URL, encoded by Perl's URI, with {@code page} moved
 * to the end; absent on the last and first page); each item {@code type, id} (a string), {@code
 * _url} ({@code expand_uid} in {@code lib/RT/REST2/Util.pm}) plus the requested fields ({@code
 * expand_field} in {@code lib/RT/REST2/Resource.pm}: a Queue or Owner is its own {@code type, id,
 * _url} block, a user's id being its Name, "Nobody" while unassigned, with the {@code
 * fields[Queue]} subfields added; dates through {@code format_datetime}, {@code RT::Date->W3CDTF}
 * in UTC, so an unset date is {@code 1970-01-01T00:00:00Z}). The collection format and the paging
 * rules are documented in {@code lib/RT/REST2.pm} ("Example of plural resources", "Paging",
 * "Fields"); that POD's sample "Created" value ({@code 2018-06-29:10:25Z}) is a typo the code does
 * not produce. Statuses are RT's default lifecycle ({@code etc/RT_Config.pm.in}), priorities its
 * default {@code %PriorityAsString} numbers (Low 0, Medium 50, High 100).
 *
 * <p>By hand (all on 2026-11-18 UTC, now = 13:00; "1970" = RT's unset date):
 *
 * <pre>
 * id   Status    Queue    Owner   Priority  Created  Resolved  LastUpdated  page
 * 101  open      Support  alice   50        07:00    1970      08:20        1
 * 102  new       Support  Nobody  0         09:00    1970      09:00        1
 * 103  resolved  Sales    bob     50        08:00    10:00     10:00        1
 * 104  stalled   Support  alice   100       09:30    1970      10:30        2
 * 105  rejected  Sales    bob     0         10:00    11:00     11:00        2
 * 106  resolved  Support  alice   100       10:00    12:30     12:30        2
 * 107  open      Sales    bob     50        11:00    11:40     12:40        3  (reopened)
 * </pre>
 *
 * <ul>
 *   <li>Backlog 4: 101 and 107 open, 102 new, 104 on_hold (stalled). 107 keeps the Resolved of its
 *       earlier resolve, not read while open.
 *   <li>Solved 3 (103 and 106 resolved → solved, 105 rejected → closed): Sales 2, Support 1.
 *       Resolution (Resolved − Created): 103 7200, 105 3600, 106 9000 s → p50 7200, p90 9000, mean
 *       6600. Created 7.
 *   <li>No first response: the recipe maps no first_reply_at (RT records none; Started and Told are
 *       not one and read 1970 while unset), so kpi_first_response_seconds has no series.
 *   <li>Requests: backfill 3 (three search pages, by next_page; Queue names come inside the items:
 *       no lookups); restart 1 (one caught-up search from the watermark, 12:40 − 1m overlap).
 * </ul>
 */
class RtRecipeTest extends RecipeContractTest {
  static final Path RECIPE = Path.of("examples/generic/rt.yml");
  static final String SEARCH = "/REST/2.0/tickets";
  static final String TOKEN = "1-14-0123456789abcdef0123456789abcdef";
  static final String FIXTURE_HOST = "https://rt.acme.example";
  static final String BACKFILL_QUERY = "LastUpdated > '2026-08-20 13:00:00'";

  /** The newest ticket (107, 12:40:00) minus the minute of overlap, as TicketSQL reads it. */
  static final String WATERMARK_QUERY = "LastUpdated > '2026-11-18 12:39:00'";

  static final ObjectMapper JSON = new ObjectMapper();

  static final String FIELDS = "Subject,Status,Queue,Owner,Priority,Created,LastUpdated,Resolved";

  @Override
  protected String source() {
    return "rt";
  }

  @Override
  protected Path recipe() {
    return RECIPE;
  }

  @Override
  protected Map<String, String> env(String baseUrl) {
    return Map.of("RT_URL", baseUrl, "RT_TOKEN", TOKEN);
  }

  @Override
  protected Map<String, String> smallPages() {
    return Map.of("per_page: 100", "per_page: 3");
  }

  /** A fixture with its next_page/prev_page/_url host pointed at WireMock. */
  String fixture(String name) {
    return fixture("generic/rt", name).replace(FIXTURE_HOST, vendor.baseUrl());
  }

  static MappingBuilder search(String query) {
    return get(urlPathEqualTo(SEARCH))
        .withQueryParam("query", equalTo(query))
        .withQueryParam("orderby", equalTo("LastUpdated"))
        .withQueryParam("order", equalTo("ASC"))
        .withQueryParam("per_page", equalTo("3"))
        .withQueryParam("fields", equalTo(FIELDS))
        .withQueryParam("fields[Queue]", equalTo("Name"));
  }

  /** Page 1 is asked without a page number; the next ones by RT's next_page URL. */
  static MappingBuilder search(String query, int page) {
    return search(query)
        .withQueryParam("page", page == 1 ? absent() : equalTo(Integer.toString(page)));
  }

  static RequestPatternBuilder searched(String query, int page) {
    return getRequestedFor(urlPathEqualTo(SEARCH))
        .withQueryParam("query", equalTo(query))
        .withQueryParam("page", page == 1 ? absent() : equalTo(Integer.toString(page)));
  }

  @Override
  protected void stubBackfill(WireMockServer v) {
    for (int page = 1; page <= 3; page++) {
      v.stubFor(
          search(BACKFILL_QUERY, page)
              .willReturn(okJson(fixture("tickets-page" + page + ".json"))));
    }
    // the next pass starts a minute before 107 (12:40), which comes again: no change
    v.stubFor(search(WATERMARK_QUERY, 1).willReturn(okJson(fixture("tickets-since-1239.json"))));
  }

  @Override
  protected MappingBuilder firstPage() {
    return search(BACKFILL_QUERY, 1);
  }

  @Override
  protected List<RequestPatternBuilder> mainStreamPages() {
    return List.of(
        searched(BACKFILL_QUERY, 1), searched(BACKFILL_QUERY, 2), searched(BACKFILL_QUERY, 3));
  }

  @Override
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(PagingStyle.LAST_PAGE, PagingStyle.TOKEN_LOOP);
  }

  /** Page 2 hands back its own URL as next_page. */
  @Override
  protected void stubTokenLoop(WireMockServer v) {
    String page = fixture("tickets-page2.json");
    String looped = page.replaceFirst("&page=3\"", "&page=2\"");
    assertThat(looped).isNotEqualTo(page);
    v.stubFor(search(BACKFILL_QUERY, 2).atPriority(1).willReturn(okJson(looped)));
  }

  @Override
  protected String stubUnreadableRecord(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad =
        replacedOnce(
            page,
            "\"Created\": \"2026-11-18T07:00:00Z\"",
            "\"Created\": \"Sat Nov 18 07:00:00 2026\"");
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "101";
  }

  @Override
  protected String stubNullIdAndNullStatus(WireMockServer v) {
    String page = fixture("tickets-page1.json");
    String bad = replacedOnce(page, "\"id\": \"101\"", "\"id\": null");
    bad = replacedAfter(bad, "\"id\": \"102\"", "\"Status\": \"new\"", "\"Status\": null");
    v.stubFor(firstPage().atPriority(1).willReturn(okJson(bad)));
    return "102";
  }

  @Override
  protected Map.Entry<String, String> expectedAuthHeader() {
    return Map.entry("Authorization", "token " + TOKEN);
  }

  @Override
  protected int backfillRequests() {
    return 3; // three search pages; no lookup tables (fields[Queue]=Name names the queue)
  }

  @Override
  protected int restartRequests() {
    return 1; // one caught-up search from the stored watermark
  }

  @Override
  protected int expectedBacklog() {
    return 4; // 101 and 107 open, 102 new, 104 stalled (on_hold)
  }

  /** Labels of the whole-source series of this recipe's source, plus {@code kv} pairs. */
  static Map<String, String> rt(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source", "rt");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static double stat(KpiSnapshot s, String kpi, String stat) {
    return s.value(kpi, rt("window", "24h", "hours", "calendar", "stat", stat));
  }

  @Override
  protected void assertBackfilledKpis(KpiSnapshot s) {
    assertThat(sum(s, "tickets_open", rt())).isEqualTo(4);
    assertThat(sum(s, "tickets_open", rt("status", "open"))).isEqualTo(2);
    assertThat(sum(s, "tickets_open", rt("status", "new"))).isEqualTo(1);
    assertThat(sum(s, "tickets_open", rt("status", "on_hold"))).isEqualTo(1);
    assertThat(sum(s, "tickets_open", rt("group", "Support"))).isEqualTo(3);
    assertThat(sum(s, "tickets_open", rt("group", "Sales"))).isEqualTo(1);
    assertThat(sum(s, "tickets_open", rt("status", "open", "group", "Sales", "priority", "normal")))
        .isEqualTo(1);
    assertThat(sum(s, "tickets_open", rt("status", "new", "group", "Support", "priority", "low")))
        .isEqualTo(1);
    assertThat(
            sum(s, "tickets_open", rt("status", "on_hold", "group", "Support", "priority", "high")))
        .isEqualTo(1);

    assertThat(s.find("kpi_first_response_seconds", rt())).isEmpty();

    assertThat(stat(s, "kpi_resolution_seconds", "p50")).isEqualTo(7200);
    assertThat(stat(s, "kpi_resolution_seconds", "p90")).isEqualTo(9000);
    assertThat(stat(s, "kpi_resolution_seconds", "mean")).isEqualTo(6600);

    assertThat(s.value("kpi_tickets_solved", rt("window", "24h"))).isEqualTo(3);
    assertThat(s.value("kpi_tickets_solved", rt("group", "Sales", "window", "24h"))).isEqualTo(2);
    assertThat(s.value("kpi_tickets_solved", rt("group", "Support", "window", "24h"))).isEqualTo(1);
    assertThat(s.value("kpi_tickets_created", rt("window", "24h"))).isEqualTo(7);
  }

  @Test
  void theRecipePassesTheConfigCheckWithItsEnvironment() throws Exception {
    ExporterConfig c = loadShipped(env("https://rt.acme.example"));
    assertThat(c.connectors()).hasSize(1);
    assertThat(c.connectors().get(0).type()).isEqualTo("http_json");
    assertThat(c.connectors().get(0).name()).isEqualTo("rt");
  }

  @Test
  void theWatermarkTravelsInTheTicketSqlAndARestartResumesThere() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.verify(1, searched(BACKFILL_QUERY, 1));
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
              assertThat(r.queryParameter("page").isPresent()).isFalse();
              assertThat(r.getHeader("Accept")).isEqualTo("application/json");
            });
  }

  @Test
  void aTicketResolvedLaterIsSolvedAtItsResolvedDate() {
    // 101 is open with RT's unset date (1970) as Resolved, 107 open with a stale one: neither
    // counts as solved nor in the resolution times (see assertBackfilledKpis: 3 solved)
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      clock.set(Instant.parse("2026-11-18T13:06:00Z"));
      ObjectNode resolved = item("tickets-page1.json", 0); // 101, open, Resolved 1970
      resolved.put("Status", "resolved");
      resolved.put("Resolved", "2026-11-18T13:05:00Z");
      resolved.put("LastUpdated", "2026-11-18T13:05:00Z");
      vendor.stubFor(search(WATERMARK_QUERY, 1).atPriority(1).willReturn(okJson(page(resolved))));
      assertThat(h.syncAll()).isEmpty();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open", rt())).isEqualTo(3);
      assertThat(s.value("kpi_tickets_solved", rt("window", "24h"))).isEqualTo(4);
      // 101: 07:00 → 13:05 = 21900 s; with 3600 7200 9000: mean 10425
      assertThat(stat(s, "kpi_resolution_seconds", "mean")).isEqualTo(10425);
    }
  }

  @Test
  void aRejectedTicketLeavesTheBacklogAsClosedAndADeletedOneAsATombstone() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      clock.set(Instant.parse("2026-11-18T13:06:00Z"));
      ObjectNode rejected = item("tickets-page1.json", 1); // 102, new
      rejected.put("Status", "rejected");
      rejected.put("Resolved", "2026-11-18T13:01:00Z");
      rejected.put("LastUpdated", "2026-11-18T13:01:00Z");
      // RT's search never returns a deleted ticket; should one come, it is a tombstone
      ObjectNode deleted = item("tickets-page2.json", 0); // 104, stalled
      deleted.put("Status", "deleted");
      deleted.put("Resolved", "2026-11-18T13:02:00Z");
      deleted.put("LastUpdated", "2026-11-18T13:02:00Z");
      vendor.stubFor(
          search(WATERMARK_QUERY, 1).atPriority(1).willReturn(okJson(page(rejected, deleted))));
      assertThat(h.syncAll()).isEmpty();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open", rt())).isEqualTo(2);
      assertThat(sum(s, "tickets_open", rt("status", "new"))).isZero();
      assertThat(sum(s, "tickets_open", rt("status", "on_hold"))).isZero();
      // 102 rejected counts as a (closed) solve: 4; 104 deleted is in no KPI: created 6
      assertThat(s.value("kpi_tickets_solved", rt("window", "24h"))).isEqualTo(4);
      assertThat(s.value("kpi_tickets_created", rt("window", "24h"))).isEqualTo(6);
    }
  }

  /** Item {@code i} of fixture page {@code name}, to edit. */
  ObjectNode item(String name, int i) {
    try {
      return (ObjectNode) JSON.readTree(fixture(name)).get("items").get(i);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A one-page answer in RT's collection envelope (no next_page, no prev_page). */
  static String page(ObjectNode... items) {
    ObjectNode p = JSON.createObjectNode();
    p.put("count", items.length).put("page", 1).put("pages", 1).put("per_page", 3);
    p.put("total", items.length).putArray("items").addAll(List.of(items));
    return p.toPrettyString();
  }

  @Test
  void aCustomStatusIsAMappingErrorNotAGuess() {
    String page = fixture("tickets-page2.json").replace("\"stalled\"", "\"waiting for vendor\"");
    vendor.stubFor(search(BACKFILL_QUERY, 2).atPriority(1).willReturn(okJson(page)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors("tickets", "mapping")).isEqualTo(1.0);
      assertThat(sum(h.snapshot(), "tickets_open", rt())).isEqualTo(3);
      assertThat(sum(h.snapshot(), "tickets_open", rt("status", "on_hold"))).isZero();
    }
  }

  @Test
  void anUnassignedTicketHasNoAssigneeAndAnUnnamedPriorityNoPriority() {
    String page =
        fixture("tickets-page1.json").replaceFirst("\"Priority\": 50", "\"Priority\": 73");
    vendor.stubFor(search(BACKFILL_QUERY, 1).atPriority(1).willReturn(okJson(page)));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors("tickets", "mapping")).isZero();
      KpiSnapshot s = h.snapshot();
      assertThat(sum(s, "tickets_open", rt("status", "open", "group", "Support"))).isEqualTo(1);
      assertThat(sum(s, "tickets_open", rt("status", "open", "priority", "normal"))).isEqualTo(1);
      List<String> assignees = new java.util.ArrayList<>();
      h.store.forEach(
          "rt",
          (stream, r) -> {
            if (r instanceof io.cxexporter.model.Ticket t) {
              assignees.add(t.id() + "=" + t.assignee() + "/" + t.priority());
            }
          });
      assertThat(assignees).contains("101=alice/null", "102=null/LOW");
    }
  }

  @Test
  void aTicketLinkOpensTheRtTicket() {
    assertThat(connector(vendor.baseUrl(), ctx()).ticketUrl("107"))
        .isEqualTo(vendor.baseUrl() + "/Ticket/Display.html?id=107");
  }
}
