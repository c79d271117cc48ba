package io.cxexporter.connector.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.testing.RecordingSleeper;
import io.cxexporter.testing.TestConnectors;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a backfill of 350 HubSpot tickets costs in requests, and a restart after it; and the same
 * backfill when one query's result cap (here 200) is smaller than the account.
 *
 * <p>Ticket i (0..349) is created at now − 20 d + i h and modified a minute later, so every
 * modification second holds one ticket; every third (i % 3 == 0) is open.
 */
class HubspotBackfillCostTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TICKETS = 350;
  static final String SEARCH = "/crm/v3/objects/tickets/search";
  static final String BACKFILL_MS = "1787230800000"; // 2026-08-20T13:00:00Z
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final RecordingSleeper sleeper = new RecordingSleeper(clock);
  final RecordingRequests requests = new RecordingRequests();
  final Instant t0 = clock.instant().minus(Duration.ofDays(20));

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    for (String object : List.of("feedback_submissions", "companies", "deals")) {
      vendor.stubFor(
          post(urlPathEqualTo("/crm/v3/objects/" + object + "/search"))
              .willReturn(okJson("{\"total\":0,\"results\":[]}")));
    }
    vendor.stubFor(
        get(urlPathEqualTo("/crm/v3/pipelines/tickets"))
            .willReturn(okJson(fixture("ticket-pipelines.json"))));
    StringBuilder owners = new StringBuilder("{\"results\":[");
    for (int o = 0; o < 4; o++) {
      owners
          .append(o == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(101 + o)
          .append("\",\"firstName\":\"Agent\",\"lastName\":\"")
          .append(o)
          .append("\",\"teams\":[{\"id\":\"")
          .append(40 + o)
          .append("\",\"name\":\"Team ")
          .append((char) ('A' + o))
          .append("\",\"primary\":true}]}");
    }
    vendor.stubFor(
        get(urlPathEqualTo("/crm/v3/owners")).willReturn(okJson(owners.append("]}").toString())));
  }

  static String fixture(String name) {
    try {
      return java.nio.file.Files.readString(Path.of("src/test/resources/hubspot", name));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  Instant modified(int i) {
    return t0.plusSeconds(i * 3600L + 60);
  }

  ObjectNode ticket(int i) {
    Instant created = t0.plusSeconds(i * 3600L);
    ObjectNode t = JSON.createObjectNode();
    t.put("id", Integer.toString(1000 + i));
    ObjectNode p = t.putObject("properties");
    p.put("createdate", created.toString());
    p.put("hs_lastmodifieddate", modified(i).toString());
    p.put("hs_pipeline", "0");
    p.put("hs_pipeline_stage", i % 3 == 0 ? "1" : "4");
    p.put("hs_ticket_priority", "MEDIUM");
    p.put("source_type", "EMAIL");
    p.put("hubspot_owner_id", Integer.toString(101 + i % 4));
    p.put("first_agent_reply_date", created.plusSeconds(900).toString());
    p.put("time_to_first_agent_reply", "900000");
    if (i % 3 != 0) {
      p.put("closed_date", created.plusSeconds(7200).toString());
      p.put("time_to_close", "7200000");
    }
    return t;
  }

  /**
   * A search page of tickets {@code from} to {@code to} (exclusive), then {@code after} or none.
   */
  String page(int from, int to, String after) {
    ObjectNode page = JSON.createObjectNode();
    page.put("total", TICKETS);
    ArrayNode results = page.putArray("results");
    for (int i = from; i < Math.min(to, TICKETS); i++) {
      results.add(ticket(i));
    }
    if (after != null) {
      page.putObject("paging").putObject("next").put("after", after);
    }
    return page.toString();
  }

  static MappingBuilder search(String sinceMs, String after) {
    MappingBuilder m =
        post(urlPathEqualTo(SEARCH))
            .withRequestBody(
                matchingJsonPath("$.filterGroups[0].filters[0].value", equalTo(sinceMs)));
    return after == null
        ? m.withRequestBody(notContaining("\"after\""))
        : m.withRequestBody(matchingJsonPath("$.after", equalTo(after)));
  }

  static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }

  SyncHarness harness(Map<String, Object> extra) {
    return new SyncHarness(
        dir,
        TestConnectors.of(new HubspotConnectorFactory())
            .with("base_url", vendor.baseUrl())
            .with("token", "pat-SECRET")
            .with(extra)
            .build(new ConnectorContext(clock, requests, sleeper)),
        clock);
  }

  static double open(SyncHarness h) {
    return h.snapshot().find("tickets_open", Map.of("source", "vendor")).stream()
        .mapToDouble(KpiSeries::value)
        .sum();
  }

  @Test
  void aBackfillCostsTwoSearchPagesPerTicketsPlusOnePerStreamAndTwoLookups() {
    vendor.stubFor(search(BACKFILL_MS, null).willReturn(okJson(page(0, 200, "200"))));
    vendor.stubFor(search(BACKFILL_MS, "200").willReturn(okJson(page(200, 400, null))));
    // the next pass starts a minute before the last ticket: HubSpot sends it again
    vendor.stubFor(
        search(ms(modified(TICKETS - 1).minusSeconds(60)), null)
            .willReturn(okJson(page(TICKETS - 1, TICKETS, null))));
    try (SyncHarness h = harness(Map.of())) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(open(h)).isEqualTo(117); // i % 3 == 0 for i < 350
      assertThat(h.snapshot().find("tickets_open", Map.of("source", "vendor", "group", "Team A")))
          .isNotEmpty();
    }
    // 2 ticket pages (200 a page) + 1 empty page each of feedback, companies and deals + the
    // ticket pipelines + the owners (no deal: no deal pipelines)
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(2 + 3 + 2);
    // five searches at the same instant against 4 a second: the fifth waits a second
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(1));
    vendor.resetRequests();
    try (SyncHarness h = harness(Map.of())) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .as("the last ticket, read again in the overlap, is an upsert: nothing counted")
          .isEmpty();
    }
    // a caught-up search per stream, and the lookups of the re-read last ticket (a new process
    // has none cached): the ticket pipelines and the owners
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(4 + 2);
  }

  @Test
  void aResultCapSmallerThanTheAccountCostsOneMorePageAndLosesNothing() {
    // 100 a page and a cap of 200 results: after 2 pages the query restarts at ticket 1199's
    // second; HubSpot's GTE sends 1199 again (dropped), then 1200..1349 in two pages
    String boundary = ms(modified(199));
    vendor.stubFor(search(BACKFILL_MS, null).willReturn(okJson(page(0, 100, "100"))));
    vendor.stubFor(search(BACKFILL_MS, "100").willReturn(okJson(page(100, 200, "200"))));
    vendor.stubFor(search(boundary, null).willReturn(okJson(page(199, 299, "100"))));
    vendor.stubFor(search(boundary, "100").willReturn(okJson(page(299, 399, null))));
    try (SyncHarness h = harness(Map.of("limit", 100, "max_results_per_query", 200))) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(open(h)).isEqualTo(117);
      assertThat(
              h.snapshot()
                  .value("kpi_tickets_created", Map.of("source", "vendor", "window", "30d")))
          .isEqualTo(TICKETS);
    }
    assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo(SEARCH)))).hasSize(4);
    assertThat(
            vendor.findAll(
                postRequestedFor(urlPathEqualTo(SEARCH))
                    .withRequestBody(matchingJsonPath("$.after", equalTo("200")))))
        .as("never asks past the cap")
        .isEmpty();
  }
}
