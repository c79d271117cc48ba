package io.cxexporter.connector.intercom;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.testing.RecordingSleeper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tickets: true}: Back-office and Tracker tickets from {@code POST /tickets/search} beside
 * the conversations (the contract fixtures of {@link IntercomConnectorTest}); a workspace without
 * tickets reads as none.
 */
class IntercomTicketsTest {
  static final String TICKETS = "/tickets/search";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final RecordingRequests requests = new RecordingRequests();

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    IntercomConnectorTest.stubConversations(vendor);
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness(boolean tickets) {
    return new SyncHarness(
        dir,
        IntercomConnectorTest.builder(vendor.baseUrl())
            .with("tickets", tickets)
            .build(new ConnectorContext(clock, requests, new RecordingSleeper(clock))),
        clock);
  }

  @Test
  void backOfficeAndTrackerTicketsAreReadInTheSameSlices() {
    vendor.stubFor(
        post(urlPathEqualTo(TICKETS))
            .withHeader("Intercom-Version", equalTo("2.14"))
            .withRequestBody(
                equalToJson(
                    "{\"query\": {\"operator\": \"AND\", \"value\": ["
                        + "{\"field\": \"updated_at\", \"operator\": \">\", \"value\": "
                        + IntercomConnectorTest.BACKFILL_START
                        + "},"
                        + "{\"field\": \"updated_at\", \"operator\": \"<\", \"value\": "
                        + IntercomConnectorTest.NOW
                        + "},"
                        + "{\"field\": \"category\", \"operator\": \"IN\","
                        + " \"value\": [\"task\", \"tracker\"]}]},"
                        + "\"pagination\": {\"per_page\": 3}}"))
            // the Back-office ticket shares its id with conversation 102: both must count
            .willReturn(
                okJson(
                    IntercomConnectorTest.fixture("tickets-page.json")
                        .replace("\"id\": \"1295\"", "\"id\": \"102\""))));
    Map<String, Ticket> tickets = new LinkedHashMap<>();
    try (SyncHarness h = harness(true)) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("tickets").backfillDone()).isTrue();
      assertThat(h.state("tickets").cursor().value())
          .isEqualTo("updated=" + IntercomConnectorTest.WATERMARK);
      h.store.forEach(
          "vendor",
          (stream, r) -> {
            if (stream.equals("tickets")) {
              tickets.put(r.id(), (Ticket) r);
            }
          });
      KpiSnapshot s = h.snapshot();
      // the conversations' 4 open, and the Back-office ticket 102 (in_progress, Billing)
      assertThat(IntercomConnectorTest.sum(s, "tickets_open")).isEqualTo(5);
      assertThat(
              s.value(
                  "tickets_open",
                  IntercomConnectorTest.whole(
                      "status", "open", "group", "Returns", "priority", "high", "channel", "chat")))
          .as("conversation 102 is still there")
          .isEqualTo(1);
      // solved in 24h: conversations 101, 104 and the Tracker ticket 1296 (resolved at 12:30)
      assertThat(s.value("kpi_tickets_solved", IntercomConnectorTest.whole("window", "24h")))
          .isEqualTo(3);
    }
    assertThat(tickets).containsOnlyKeys("ticket-102", "ticket-1296");
    Ticket open = tickets.get("ticket-102");
    assertThat(open.status()).isEqualTo(TicketStatus.OPEN);
    assertThat(open.group()).isEqualTo("Billing");
    assertThat(open.assignee()).isEqualTo("Bob Berg");
    assertThat(open.subject()).isEqualTo("Refund approval");
    Ticket resolved = tickets.get("ticket-1296");
    assertThat(resolved.status()).isEqualTo(TicketStatus.SOLVED);
    assertThat(resolved.solvedAt()).isEqualTo(Instant.parse("2026-11-18T12:30:00Z"));
    assertThat(resolved.assignee()).as("admin 0 is nobody").isNull();
    assertThat(resolved.group()).isEqualTo("Returns");
  }

  @Test
  void aWorkspaceWithoutTicketsReadsAsNoneAndTheConversationsAreUntouched() {
    vendor.stubFor(
        post(urlPathEqualTo(TICKETS))
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"type\": \"error.list\", \"request_id\": \"b68959ef\", \"errors\":"
                            + " [{\"code\": \"not_found\", \"message\": \"Resource Not Found\"}]}")));
    try (SyncHarness h = harness(true)) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state("tickets").backfillDone()).isTrue();
      assertThat(h.state("conversations").backfillDone()).isTrue();
      assertThat(IntercomConnectorTest.sum(h.snapshot(), "tickets_open")).isEqualTo(4);
    }
    assertThat(requests.requests()).containsOnlyOnce("tickets/search 404");
    assertThat(requests.lookupFailures()).containsExactly("tickets feature_unavailable");
  }

  @Test
  void withoutTheOptionTicketsAreNeverAsked() {
    try (SyncHarness h = harness(false)) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo(TICKETS)))).isEmpty();
    assertThat(
            vendor.findAll(
                postRequestedFor(urlPathEqualTo("/conversations/search"))
                    .withRequestBody(matchingJsonPath("$.query.value[2]"))))
        .as("the conversation search has no category filter")
        .isEmpty();
  }
}
