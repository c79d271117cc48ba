package io.cxexporter.connector.zendesk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ticket metric events stream: mapping, the crowded-second fallback, and SLA-less accounts. */
class SlaEventsStreamTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String EVENTS = "/api/v2/incremental/ticket_metric_events.json";
  static final String POLICIES = "/api/v2/slas/policies.json";
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  WireMockServer vendor;

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  Stream stream() {
    return ZendeskConnectorTest.builder(vendor.baseUrl())
        .build(new ConnectorContext(clock))
        .streams()
        .stream()
        .filter(s -> s.name().equals("sla_events"))
        .findFirst()
        .orElseThrow();
  }

  static ObjectNode event(long id, long ticket, String metric, String type, Instant at) {
    ObjectNode e = JSON.createObjectNode();
    e.put("id", id);
    e.put("ticket_id", ticket);
    e.put("metric", metric);
    e.put("instance_id", 1);
    e.put("type", type);
    e.put("time", at.toString());
    return e;
  }

  static String page(List<ObjectNode> events, long endTime) {
    ObjectNode p = JSON.createObjectNode();
    ArrayNode a = p.putArray("ticket_metric_events");
    events.forEach(a::add);
    p.put("count", events.size());
    p.put("end_time", endTime);
    p.put("next_page", "https://acme.zendesk.com" + EVENTS + "?start_time=" + endTime);
    return p.toString();
  }

  static String cursorPage(List<ObjectNode> events, boolean more, String after) {
    ObjectNode p = JSON.createObjectNode();
    ArrayNode a = p.putArray("ticket_metric_events");
    events.forEach(a::add);
    p.putObject("meta").put("has_more", more).put("after_cursor", after);
    return p.toString();
  }

  void policies(int n) {
    String list = n == 0 ? "" : "{\"id\":1,\"title\":\"Standard\",\"policy_metrics\":[]}";
    vendor.stubFor(
        get(urlPathEqualTo(POLICIES))
            .willReturn(okJson("{\"sla_policies\":[" + list + "],\"next_page\":null}")));
  }

  @Test
  void mapsTheMeasuredClocksAndTurnsADeletedBreachIntoATombstone() throws Exception {
    policies(1);
    Instant t = Instant.parse("2026-11-18T09:00:00Z");
    ObjectNode apply = event(1, 7, "reply_time", "apply_sla", t);
    apply.putObject("sla").put("target", 30).put("business_hours", true);
    ObjectNode deletedBreach = event(5, 7, "reply_time", "breach", t.plusSeconds(1800));
    deletedBreach.put("deleted", true);
    ObjectNode nextReply = event(6, 7, "reply_time", "activate", t.plusSeconds(2000));
    nextReply.put("instance_id", 2);
    vendor.stubFor(
        get(urlPathEqualTo(EVENTS))
            .willReturn(
                okJson(
                    page(
                        List.of(
                            apply,
                            event(2, 7, "reply_time", "activate", t),
                            event(3, 7, "agent_work_time", "activate", t),
                            event(4, 7, "resolution_time", "pause", t.plusSeconds(60)),
                            deletedBreach,
                            nextReply,
                            event(8, 7, "resolution_time", "breach", t.plusSeconds(3600))),
                        t.plusSeconds(3600).getEpochSecond()))));
    Page p = stream().read(Cursor.START);
    assertThat(p.caughtUp()).isTrue();
    assertThat(p.next().value()).isEqualTo("t=" + t.plusSeconds(3600).getEpochSecond());
    assertThat(p.records())
        .containsExactly(
            new SlaEvent(
                "1",
                t,
                "7",
                SlaTarget.FIRST_RESPONSE,
                SlaEvent.Type.GOAL_SET,
                Duration.ofMinutes(30),
                true,
                1),
            new SlaEvent(
                "2", t, "7", SlaTarget.FIRST_RESPONSE, SlaEvent.Type.STARTED, null, false, 2),
            new SlaEvent(
                "4",
                t.plusSeconds(60),
                "7",
                SlaTarget.RESOLUTION,
                SlaEvent.Type.PAUSED,
                null,
                false,
                4),
            new Deleted("5", t.plusSeconds(1800)),
            new SlaEvent(
                "8",
                t.plusSeconds(3600),
                "7",
                SlaTarget.RESOLUTION,
                SlaEvent.Type.BREACHED,
                null,
                false,
                8));
    vendor.verify(
        getRequestedFor(urlPathEqualTo(EVENTS))
            .withQueryParam(
                "start_time",
                equalTo(
                    Long.toString(clock.instant().minus(Duration.ofDays(90)).getEpochSecond()))));
  }

  @Test
  void aSecondWithMoreThanAPageOfEventsIsWalkedWithCursorPagination() throws Exception {
    policies(1);
    Instant crowded = Instant.parse("2026-11-18T09:00:00Z");
    long second = crowded.getEpochSecond();
    List<ObjectNode> full = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      full.add(event(10_000 + i, 1 + i, "reply_time", "activate", crowded));
    }
    vendor.stubFor(
        get(urlPathEqualTo(EVENTS))
            .withQueryParam("start_time", equalTo(Long.toString(second)))
            .withQueryParam("page[size]", absent())
            .willReturn(okJson(page(full, second))));
    // cursor pagination through the crowded second: the events past the first 1000, then a later
    // one
    List<ObjectNode> rest = new ArrayList<>();
    for (int i = 1000; i < 1100; i++) {
      rest.add(event(10_000 + i, 1 + i, "reply_time", "activate", crowded));
    }
    vendor.stubFor(
        get(urlPathEqualTo(EVENTS))
            .withQueryParam("start_time", equalTo(Long.toString(second)))
            .withQueryParam("page[size]", equalTo("100"))
            .withQueryParam("page[after]", absent())
            .willReturn(okJson(cursorPage(full.subList(0, 100), true, "A1"))));
    vendor.stubFor(
        get(urlPathEqualTo(EVENTS))
            .withQueryParam("page[after]", equalTo("A1"))
            .willReturn(okJson(cursorPage(rest, true, "A2"))));
    vendor.stubFor(
        get(urlPathEqualTo(EVENTS))
            .withQueryParam("page[after]", equalTo("A2"))
            .willReturn(
                okJson(
                    cursorPage(
                        List.of(
                            event(20_000, 5000, "reply_time", "fulfill", crowded.plusSeconds(5))),
                        false,
                        "A3"))));
    vendor.stubFor(
        get(urlPathEqualTo(EVENTS))
            .withQueryParam("start_time", equalTo(Long.toString(second + 1)))
            .withQueryParam("page[size]", absent())
            .willReturn(
                okJson(
                    page(
                        List.of(
                            event(20_000, 5000, "reply_time", "fulfill", crowded.plusSeconds(5))),
                        second + 5))));
    Stream s = stream();
    Cursor c = new Cursor("t=" + second);
    Set<String> ids = new HashSet<>();
    List<String> cursors = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Page p = s.read(c);
      p.records().forEach((Record r) -> ids.add(r.id()));
      c = p.next();
      cursors.add(c.value());
      if (p.caughtUp()) {
        break;
      }
    }
    assertThat(cursors)
        .containsExactly(
            "t=" + second + ";after=",
            "t=" + second + ";after=A1",
            "t=" + second + ";after=A2",
            "t=" + (second + 1),
            "t=" + (second + 5));
    assertThat(ids).hasSize(1101); // 1100 activations in one second and the later fulfilment
  }

  @Test
  void anAccountWithoutSlaPoliciesCostsNoExportRequests() throws Exception {
    vendor.stubFor(get(urlPathEqualTo(POLICIES)).willReturn(aResponse().withStatus(403)));
    Page p = stream().read(Cursor.START);
    assertThat(p.caughtUp()).isTrue();
    assertThat(p.records()).isEmpty();
    assertThat(p.next().value()).isEqualTo("t=" + clock.instant().getEpochSecond());
    assertThat(vendor.findAll(anyRequestedFor(anyUrl())))
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl()).startsWith(POLICIES));
  }

  @Test
  void garbageIsAnErrorForThePage() {
    policies(1);
    vendor.stubFor(get(urlPathEqualTo(EVENTS)).willReturn(okJson("{\"tickets\":[]}")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stream().read(new Cursor("t=5")))
        .hasMessage("unexpected page shape from incremental/ticket_metric_events");
  }
}
