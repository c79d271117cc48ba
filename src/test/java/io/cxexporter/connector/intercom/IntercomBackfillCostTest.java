package io.cxexporter.connector.intercom;

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
import io.cxexporter.testing.TestConnectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a backfill of a few hundred Intercom conversations costs in requests (at the default 150 a
 * page), and a restart after it.
 */
class IntercomBackfillCostTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int CONVERSATIONS = 350;
  static final int PER_PAGE = 150;
  static final String SEARCH = "/conversations/search";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final long now = clock.instant().getEpochSecond();
  ObjectNode last;

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    long t0 = now - 20 * 86400L;
    List<ObjectNode> all = new ArrayList<>();
    for (int i = 0; i < CONVERSATIONS; i++) {
      long created = t0 + i * 3600L;
      ObjectNode c = JSON.createObjectNode();
      c.put("type", "conversation");
      c.put("id", Integer.toString(9000 + i));
      c.put("created_at", created);
      // the last one changed half a minute ago: the next pass's minute of overlap reads it again
      c.put("updated_at", i == CONVERSATIONS - 1 ? now - 30 : created + 7200);
      boolean open = i % 3 == 0;
      c.put("state", open ? "open" : "closed");
      c.put("open", open);
      c.put("priority", "not_priority");
      c.put("team_assignee_id", 10 + i % 4);
      c.put("admin_assignee_id", 20 + i % 7);
      c.putObject("source").put("type", "email").put("delivered_as", "customer_initiated");
      ObjectNode s = c.putObject("statistics");
      s.put("first_contact_reply_at", created);
      s.put("first_admin_reply_at", created + 900);
      s.put("time_to_admin_reply", 600);
      if (!open) {
        s.put("last_close_at", created + 7200);
        s.put("time_to_last_close", 5400);
      }
      s.put("count_reopens", 0);
      c.putNull("sla_applied");
      c.putNull("conversation_rating");
      all.add(c);
      last = c;
    }
    // newest first: the order Intercom returns is not documented, the slice does not care
    java.util.Collections.reverse(all);
    int pages = (CONVERSATIONS + PER_PAGE - 1) / PER_PAGE;
    for (int p = 0; p < pages; p++) {
      ObjectNode body = JSON.createObjectNode();
      body.put("type", "conversation.list");
      body.put("total_count", CONVERSATIONS);
      ObjectNode meta = body.putObject("pages");
      meta.put("type", "pages").put("page", p + 1).put("per_page", PER_PAGE);
      meta.put("total_pages", pages);
      if (p < pages - 1) {
        meta.putObject("next").put("per_page", PER_PAGE).put("starting_after", "cursor-" + (p + 2));
      }
      ArrayNode list = body.putArray("conversations");
      all.subList(p * PER_PAGE, Math.min(CONVERSATIONS, (p + 1) * PER_PAGE)).forEach(list::add);
      MappingBuilder stub =
          post(urlPathEqualTo(SEARCH))
              .withRequestBody(
                  matchingJsonPath(
                      "$.query.value[0].value", equalTo(Long.toString(now - 90 * 86400L))))
              .withRequestBody(matchingJsonPath("$.pagination.per_page", equalTo("150")));
      stub =
          p == 0
              ? stub.withRequestBody(notContaining("starting_after"))
              : stub.withRequestBody(
                  matchingJsonPath("$.pagination.starting_after", equalTo("cursor-" + (p + 1))));
      vendor.stubFor(stub.willReturn(okJson(body.toString())));
    }
    ObjectNode overlap = JSON.createObjectNode();
    overlap.put("type", "conversation.list").put("total_count", 1);
    overlap.putObject("pages").put("type", "pages").put("page", 1).put("total_pages", 1);
    overlap.putArray("conversations").add(last);
    vendor.stubFor(
        post(urlPathEqualTo(SEARCH))
            .withRequestBody(
                matchingJsonPath("$.query.value[0].value", equalTo(Long.toString(now - 60))))
            .willReturn(okJson(overlap.toString())));
    vendor.stubFor(
        get(urlPathEqualTo("/teams"))
            .willReturn(
                okJson(
                    "{\"type\":\"team.list\",\"teams\":["
                        + String.join(
                            ",",
                            IntStream.range(10, 14)
                                .mapToObj(
                                    t ->
                                        "{\"type\":\"team\",\"id\":\""
                                            + t
                                            + "\",\"name\":\"T"
                                            + t
                                            + "\"}")
                                .toList())
                        + "]}")));
    vendor.stubFor(
        get(urlPathEqualTo("/admins"))
            .willReturn(
                okJson(
                    "{\"type\":\"admin.list\",\"admins\":["
                        + String.join(
                            ",",
                            IntStream.range(20, 27)
                                .mapToObj(
                                    a ->
                                        "{\"type\":\"admin\",\"id\":\""
                                            + a
                                            + "\",\"name\":\"A"
                                            + a
                                            + "\"}")
                                .toList())
                        + "]}")));
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness() {
    return new SyncHarness(
        dir,
        TestConnectors.of(new IntercomConnectorFactory())
            .with("base_url", vendor.baseUrl())
            .with("token", "tok-SECRET")
            .build(new ConnectorContext(clock)),
        clock);
  }

  @Test
  void aBackfillCostsItsPagesPlusTwoListsAndARestartOneSearchPlusTheNames() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      double open =
          h.snapshot().find("tickets_open", Map.of("source", "vendor")).stream()
              .mapToDouble(KpiSeries::value)
              .sum();
      assertThat(open).isEqualTo(117); // i % 3 == 0 for i < 350
      assertThat(h.snapshot().find("tickets_open", Map.of("source", "vendor", "group", "T10")))
          .isNotEmpty();
    }
    // ⌈350 / 150⌉ = 3 search pages + /teams + /admins
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(3 + 2);
    assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo(SEARCH)))).hasSize(3);
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.transitions)
          .as("the last conversation, read again in the overlap, is an upsert: nothing counted")
          .isEmpty();
    }
    // one search of the minute before the stored watermark's slice end, and the names of the
    // re-read conversation (a new process has none cached): /teams and /admins
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(1 + 2);
  }
}
