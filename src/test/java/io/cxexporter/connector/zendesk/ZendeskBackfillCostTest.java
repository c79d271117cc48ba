package io.cxexporter.connector.zendesk;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backfill of a few hundred tickets costs in requests. */
class ZendeskBackfillCostTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TICKETS = 350;
  static final int PER_PAGE = 100;
  static final String EXPORT = "/api/v2/incremental/tickets/cursor.json";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    Instant t0 = clock.instant().minusSeconds(20 * 86400);
    int pages = (TICKETS + PER_PAGE - 1) / PER_PAGE;
    for (int p = 0; p < pages; p++) {
      ObjectNode page = JSON.createObjectNode();
      ArrayNode tickets = page.putArray("tickets");
      for (int i = p * PER_PAGE; i < Math.min(TICKETS, (p + 1) * PER_PAGE); i++) {
        Instant created = t0.plusSeconds(i * 3600L);
        ObjectNode t = tickets.addObject();
        t.put("id", 1000 + i);
        t.put("generated_timestamp", created.getEpochSecond() + 60);
        t.put("created_at", created.toString());
        t.put("updated_at", created.plusSeconds(60).toString());
        t.put("status", i % 3 == 0 ? "open" : "solved");
        t.put("priority", "normal");
        t.put("group_id", 10 + i % 4);
        t.put("assignee_id", 20 + i % 7);
        t.putObject("via").put("channel", "email");
        ObjectNode m = t.putObject("metric_set");
        m.put("replies", 1 + i % 2);
        m.put("reopens", 0);
        m.putObject("reply_time_in_minutes").put("calendar", 15).put("business", 10);
        if (i % 3 != 0) {
          m.putObject("full_resolution_time_in_minutes").put("calendar", 120).put("business", 60);
          m.put("solved_at", created.plusSeconds(7200).toString());
        }
      }
      page.put("after_cursor", "c" + (p + 1));
      page.put("end_of_stream", p == pages - 1);
      var stub = get(urlPathEqualTo(EXPORT));
      stub =
          p == 0
              ? stub.withQueryParam("start_time", matching("\\d+"))
              : stub.withQueryParam("cursor", equalTo("c" + p));
      vendor.stubFor(stub.willReturn(okJson(page.toString())));
    }
    vendor.stubFor(
        get(urlPathEqualTo(EXPORT))
            .withQueryParam("cursor", equalTo("c" + pages))
            .willReturn(
                okJson(
                    "{\"tickets\":[],\"after_cursor\":\"c"
                        + pages
                        + "\",\"end_of_stream\":true}")));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/groups.json"))
            .willReturn(
                okJson(
                    "{\"groups\":[{\"id\":10,\"name\":\"A\"},{\"id\":11,\"name\":\"B\"},{\"id\":12,\"name\":\"C\"},{\"id\":13,\"name\":\"D\"}],\"next_page\":null}")));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/users/show_many.json"))
            .willReturn(
                okJson(
                    "{\"users\":["
                        + String.join(
                            ",",
                            java.util.stream.IntStream.range(20, 27)
                                .mapToObj(u -> "{\"id\":" + u + ",\"name\":\"Agent " + u + "\"}")
                                .toList())
                        + "]}")));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/satisfaction_ratings.json"))
            .willReturn(okJson("{\"satisfaction_ratings\":[],\"meta\":{\"has_more\":false}}")));
    // an account without SLA policies: the ticket metric events export is never asked
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/slas/policies.json"))
            .willReturn(okJson("{\"sla_policies\":[],\"next_page\":null,\"count\":0}")));
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness() {
    return new SyncHarness(
        dir,
        ZendeskConnectorTest.builder(vendor.baseUrl()).build(new ConnectorContext(clock)),
        clock);
  }

  @Test
  void aBackfillCostsItsPagesPlusAFewLookupsAndARestartOneRequestPerStream() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      double open =
          h.snapshot().find("tickets_open", Map.of("source", "vendor")).stream()
              .mapToDouble(KpiSeries::value)
              .sum();
      assertThat(open).isEqualTo(117); // i % 3 == 0 for i < 350
    }
    // 4 export pages + 1 groups + 1 users/show_many (all 7 agents in the first page) + 1 ratings
    // + 1 SLA policy list (empty, so no ticket metric events)
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(4 + 1 + 1 + 1 + 1);
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    // a caught-up probe of the export and of the ratings, and the SLA policy list again
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(3);
  }
}
