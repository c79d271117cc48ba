package io.cxexporter.connector.freshdesk;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
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
import io.cxexporter.testing.TestConnectors;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backfill of a few hundred Freshdesk tickets costs in requests, and a restart after it. */
class FreshdeskBackfillCostTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TICKETS = 350;
  static final int PER_PAGE = 100;
  static final String LIST = "/api/v2/tickets";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  String lastTicket;
  Instant lastUpdated;

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    Instant t0 = clock.instant().minusSeconds(20 * 86400);
    int pages = (TICKETS + PER_PAGE - 1) / PER_PAGE;
    for (int p = 0; p < pages; p++) {
      ArrayNode tickets = JSON.createArrayNode();
      for (int i = p * PER_PAGE; i < Math.min(TICKETS, (p + 1) * PER_PAGE); i++) {
        Instant created = t0.plusSeconds(i * 3600L);
        ObjectNode t = tickets.addObject();
        t.put("id", 1000 + i);
        t.put("created_at", created.toString());
        lastUpdated = created.plusSeconds(60);
        t.put("updated_at", lastUpdated.toString());
        t.put("status", i % 3 == 0 ? 2 : 4);
        t.put("priority", 2);
        t.put("source", 1);
        t.put("group_id", 10 + i % 4);
        t.put("responder_id", 20 + i % 7);
        ObjectNode stats = t.putObject("stats");
        stats.put("first_responded_at", created.plusSeconds(900).toString());
        if (i % 3 != 0) {
          stats.put("resolved_at", created.plusSeconds(7200).toString());
        }
        lastTicket = t.toString();
      }
      var stub = get(urlPathEqualTo(LIST)).withQueryParam("filter", absent());
      stub =
          p == 0
              ? stub.withQueryParam("updated_since", matching("2026-08-20T13:00:\\d\\dZ"))
                  .withQueryParam("page", absent())
              : stub.withQueryParam("page", equalTo(Integer.toString(p + 1)));
      var answer = okJson(tickets.toString());
      if (p < pages - 1) {
        answer =
            answer.withHeader(
                "Link",
                "<"
                    + vendor.baseUrl()
                    + LIST
                    + "?updated_since=2026-08-20T13:00:00Z&order_by=updated_at&order_type=asc"
                    + "&per_page=100&include=stats&page="
                    + (p + 2)
                    + ">; rel=\"next\"");
      }
      vendor.stubFor(stub.willReturn(answer));
    }
    // the next pass starts a minute before the last ticket: Freshdesk sends it again
    vendor.stubFor(
        get(urlPathEqualTo(LIST))
            .withQueryParam("filter", absent())
            .withQueryParam("updated_since", equalTo(lastUpdated.minusSeconds(60).toString()))
            .willReturn(okJson("[" + lastTicket + "]")));
    vendor.stubFor(
        get(urlPathEqualTo(LIST))
            .withQueryParam("filter", matching("deleted|spam"))
            .willReturn(okJson("[]")));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/surveys/satisfaction_ratings")).willReturn(okJson("[]")));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/groups"))
            .willReturn(
                okJson(
                    "[{\"id\":10,\"name\":\"A\"},{\"id\":11,\"name\":\"B\"},"
                        + "{\"id\":12,\"name\":\"C\"},{\"id\":13,\"name\":\"D\"}]")));
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/agents"))
            .willReturn(
                okJson(
                    "["
                        + String.join(
                            ",",
                            java.util.stream.IntStream.range(20, 27)
                                .mapToObj(
                                    u ->
                                        "{\"id\":"
                                            + u
                                            + ",\"contact\":{\"name\":\"Agent "
                                            + u
                                            + "\"}}")
                                .toList())
                        + "]")));
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness() {
    return new SyncHarness(
        dir,
        TestConnectors.of(new FreshdeskConnectorFactory())
            .with("base_url", vendor.baseUrl())
            .with("api_key", "key-SECRET")
            .with("list_requests_per_minute", 1000)
            .build(new ConnectorContext(clock)),
        clock);
  }

  @Test
  void aBackfillCostsItsPagesPlusThreeListsAndARestartOneProbePerListPlusNames() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      double open =
          h.snapshot().find("tickets_open", Map.of("source", "vendor")).stream()
              .mapToDouble(KpiSeries::value)
              .sum();
      assertThat(open).isEqualTo(117); // i % 3 == 0 for i < 350
      assertThat(h.snapshot().find("tickets_open", Map.of("source", "vendor", "group", "A")))
          .isNotEmpty();
    }
    // 4 ticket pages + the deleted and spam lists + 1 ratings page + groups + agents (no custom
    // status, so no ticket fields)
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(4 + 2 + 1 + 1 + 1);
    assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/api/v2/ticket_fields")))).isEmpty();
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .as("the last ticket, read again in the overlap, is an upsert: nothing counted")
          .isEmpty();
    }
    // a caught-up probe of the tickets, the deleted and spam tickets and the ratings, and the
    // names of the re-read last ticket (a new process has none cached): groups and agents
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(4 + 2);
  }
}
