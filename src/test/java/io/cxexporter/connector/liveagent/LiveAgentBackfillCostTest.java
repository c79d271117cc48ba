package io.cxexporter.connector.liveagent;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
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
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.testing.RecordingSleeper;
import io.cxexporter.testing.TestConnectors;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a backfill of 350 LiveAgent tickets costs in requests with the default settings (100 tickets
 * and 500 history rows a page, 25 solved tickets' messages a ratings page), and a restart after it.
 *
 * <p>Ticket {@code i} is created {@code i} hours after now − 20 days and answered 15 minutes later;
 * every third ({@code i % 3 == 0}, 117 of them) waits on the customer ({@code A}), the other 233
 * were resolved two hours after creation: 350 N + 350 A + 233 R = 933 history rows.
 */
class LiveAgentBackfillCostTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int TICKETS = 350;
  static final String API = "/api/v3";
  static final String BACKFILL_START = "2026-08-20 13:00:0\\d";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final RecordingSleeper sleeper = new RecordingSleeper(clock);

  record Item(Instant at, ObjectNode node) {}

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    Instant t0 = clock.instant().minusSeconds(20 * 86400);
    List<Item> tickets = new ArrayList<>();
    List<Item> rows = new ArrayList<>();
    for (int i = 0; i < TICKETS; i++) {
      String id = String.format("t%07d", i);
      Instant created = t0.plusSeconds(i * 3600L);
      boolean solved = i % 3 != 0;
      Instant changed = created.plusSeconds(solved ? 7200 : 900);
      ObjectNode t = JSON.createObjectNode();
      t.put("id", id);
      t.put("status", solved ? "R" : "A");
      t.put("channel_type", "E");
      t.put("departmentid", "d" + i % 4);
      t.put("agentid", "a" + i % 7);
      t.put("date_created", LiveAgentMapper.format(created.getEpochSecond()));
      t.put("date_changed", LiveAgentMapper.format(changed.getEpochSecond()));
      if (solved) {
        t.put("date_resolved", LiveAgentMapper.format(changed.getEpochSecond()));
      }
      tickets.add(new Item(changed, t));
      rows.add(row(id + "n", id, "N", created));
      rows.add(row(id + "a", id, "A", created.plusSeconds(900)));
      if (solved) {
        rows.add(row(id + "r", id, "R", changed));
      }
    }
    tickets.sort(Comparator.comparing(Item::at));
    rows.sort(Comparator.comparing(Item::at));
    // history: 933 rows, 500 a page, the cursor in the next_page_cursor header
    for (int p = 0; p * 500 < rows.size(); p++) {
      var stub =
          get(urlPathEqualTo(API + "/tickets/history"))
              .withQueryParam(
                  "_filters", matching(LiveAgentConnectorTest.since("date_from", BACKFILL_START)))
              .withQueryParam("_cursor", p == 0 ? absent() : equalTo("p" + p));
      var answer = okJson(array(rows.subList(p * 500, Math.min(rows.size(), p * 500 + 500))));
      if ((p + 1) * 500 < rows.size()) {
        answer = answer.withHeader("next_page_cursor", "p" + (p + 1));
      }
      vendor.stubFor(stub.willReturn(answer));
    }
    // tickets: 100 a page, the last short
    for (int p = 0; p * 100 < TICKETS; p++) {
      vendor.stubFor(
          get(urlPathEqualTo(API + "/tickets"))
              .withQueryParam(
                  "_filters",
                  matching(LiveAgentConnectorTest.since("date_changed", BACKFILL_START)))
              .withQueryParam("_page", p == 0 ? absent() : equalTo(Integer.toString(p + 1)))
              .willReturn(
                  okJson(array(tickets.subList(p * 100, Math.min(TICKETS, p * 100 + 100))))));
    }
    // solved tickets, 25 a page (233: 9 full pages and a short one)
    List<Item> solved =
        tickets.stream().filter(t -> t.node().path("status").asText().equals("R")).toList();
    for (int p = 0; p * 25 < solved.size(); p++) {
      vendor.stubFor(
          get(urlPathEqualTo(API + "/tickets"))
              .withQueryParam(
                  "_filters", matching(LiveAgentConnectorTest.solvedSince(BACKFILL_START)))
              .withQueryParam("_page", p == 0 ? absent() : equalTo(Integer.toString(p + 1)))
              .willReturn(
                  okJson(array(solved.subList(p * 25, Math.min(solved.size(), p * 25 + 25))))));
    }
    // the next pass starts a minute before the newest ticket (t0000349, resolved) and row (its R)
    Item last = tickets.get(tickets.size() - 1);
    String watermark = LiveAgentMapper.format(last.at().getEpochSecond() - 60);
    vendor.stubFor(
        get(urlPathEqualTo(API + "/tickets/history"))
            .withQueryParam("_filters", equalTo("[[\"date_from\",\"D>=\",\"" + watermark + "\"]]"))
            .willReturn(okJson(array(rows.subList(rows.size() - 1, rows.size())))));
    vendor.stubFor(
        get(urlPathEqualTo(API + "/tickets"))
            .withQueryParam(
                "_filters", equalTo("[[\"date_changed\",\"D>=\",\"" + watermark + "\"]]"))
            .willReturn(okJson(array(List.of(last)))));
    vendor.stubFor(
        get(urlPathEqualTo(API + "/tickets"))
            .withQueryParam(
                "_filters",
                equalTo(
                    "[[\"date_changed\",\"D>=\",\""
                        + watermark
                        + "\"],[\"status\",\"IN\",\"R,L\"]]"))
            .willReturn(okJson(array(List.of(last)))));
    String lastId = last.node().path("id").asText();
    vendor.stubFor(
        get(urlPathEqualTo(API + "/tickets/" + lastId + "/history"))
            .willReturn(
                okJson(
                    array(
                        rows.stream()
                            .filter(r -> r.node().path("conversation_id").asText().equals(lastId))
                            .toList()))));
    vendor.stubFor(get(urlPathMatching(API + "/tickets/t\\d+/messages")).willReturn(okJson("[]")));
    vendor.stubFor(
        get(urlPathEqualTo(API + "/departments"))
            .willReturn(
                okJson(
                    "[{\"department_id\":\"d0\",\"name\":\"A\"},{\"department_id\":\"d1\",\"name\":\"B\"},"
                        + "{\"department_id\":\"d2\",\"name\":\"C\"},{\"department_id\":\"d3\",\"name\":\"D\"}]")));
    vendor.stubFor(
        get(urlPathEqualTo(API + "/agents"))
            .willReturn(okJson("[{\"id\":\"a0\",\"name\":\"Agent 0\"}]")));
  }

  static Item row(String id, String ticket, String status, Instant from) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("conversation_id", ticket);
    r.put("status", status);
    r.put("date_from", LiveAgentMapper.format(from.getEpochSecond()));
    return new Item(from, r);
  }

  static String array(List<Item> items) {
    ArrayNode a = JSON.createArrayNode();
    items.forEach(i -> a.add(i.node()));
    return a.toString();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness() {
    return new SyncHarness(
        dir,
        TestConnectors.of(new LiveAgentConnectorFactory())
            .with("base_url", vendor.baseUrl())
            .with("api_key", "key-SECRET")
            .build(new ConnectorContext(clock, new RecordingRequests(), sleeper)),
        clock);
  }

  @Test
  void aBackfillCostsItsPagesPlusOneMessagesCallPerSolvedTicketAndARestartAFewProbes() {
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
    // history: ⌈933 / 500⌉ = 2; tickets: ⌈350 / 100⌉ = 4; departments + agents; solved tickets:
    // ⌈233 / 25⌉ = 10; messages: one per solved ticket, 233. No ticket's own history: the
    // backfill's history covers every ticket.
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(2 + 4 + 2 + 10 + 233);
    assertThat(vendor.findAll(getRequestedFor(urlPathMatching(API + "/tickets/t\\d+/history"))))
        .isEmpty();
    // one budget for the key, 180 a minute across every endpoint: the first 180 requests go at
    // once (the test's clock stands still), the 181st (a messages call) waits a minute, and the
    // other 70 fit in the next minute
    assertThat(sleeper.waits()).containsExactly(java.time.Duration.ofMinutes(1));
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .as("the last ticket, read again in the overlap, is an upsert: nothing counted")
          .isEmpty();
    }
    // a caught-up probe of the history, the tickets and the solved tickets; the re-read last
    // ticket was created before the new process's history starts, so its own history; its names
    // (departments, agents: a new process has none cached); its messages once more
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(3 + 1 + 2 + 1);
  }
}
