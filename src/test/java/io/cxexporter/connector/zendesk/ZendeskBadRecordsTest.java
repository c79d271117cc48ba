package io.cxexporter.connector.zendesk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.Stream;
import io.cxexporter.metrics.SnapshotCollector;
import io.cxexporter.metrics.TransitionMetrics;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Ticket;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, bad records: one ticket the model cannot hold (null id or status, a time that is not
 * one or out of [1970, 9999], a negative or overflowing duration) among good ones on an export
 * page. It is rejected with its reason and counted as {@code kind="mapping"}; the good tickets of
 * the page count, the stream catches up and the cursor advances. Invalid UTF-8 is not a bad record:
 * it is decoded with replacement characters.
 */
class ZendeskBadRecordsTest {
  @TempDir Path dir;
  MutableClock clock;
  WireMockServer vendor;

  @BeforeEach
  void start() {
    clock = MutableClock.at(ZendeskConnectorTest.NOW);
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    ZendeskConnectorTest.stubFixtures(vendor);
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  Connector connector() {
    return ZendeskConnectorTest.builder(vendor.baseUrl()).build(new ConnectorContext(clock));
  }

  /** Serves the first export page with ticket 101's {@code from} replaced by {@code to}. */
  void firstPageWith(String from, String to) {
    String page = ZendeskConnectorTest.fixture("tickets-page1.json");
    String bad = page.replaceFirst(java.util.regex.Pattern.quote(from), to);
    assertThat(bad).as("%s in the page", from).isNotEqualTo(page);
    vendor.stubFor(
        get(urlPathEqualTo(ZendeskConnectorTest.EXPORT))
            .withQueryParam("start_time", matching("\\d+"))
            .atPriority(1)
            .willReturn(okJson(bad)));
  }

  /** The rejected records of the first export page, read directly from the tickets stream. */
  List<Rejected> rejectedOfFirstPage() throws Exception {
    Connector c = connector();
    try {
      Stream tickets =
          c.streams().stream().filter(s -> s.name().equals("tickets")).findFirst().orElseThrow();
      Page p = tickets.read(Cursor.START);
      return p.rejected();
    } finally {
      c.close();
    }
  }

  /** Stored tickets by id after a whole sync, which must catch up with one mapping error. */
  Map<String, Ticket> syncRejectingOne() {
    Map<String, Ticket> stored = new HashMap<>();
    Connector c = connector();
    try (SyncHarness h = new SyncHarness(dir, c, clock)) {
      assertThat(h.syncAll()).as("every stream caught up").isEmpty();
      assertThat(h.errors("tickets", "mapping")).isEqualTo(1.0);
      assertThat(h.state("tickets").backfillDone()).isTrue();
      assertThat(h.state("tickets").cursor()).isNotEqualTo(Cursor.START);
      h.store.forEach(
          c.name(),
          (stream, r) -> {
            if (stream.equals("tickets") && r instanceof Ticket t) {
              stored.put(t.id(), t);
            }
          });
    }
    // the page after the bad one was read: the cursor moved past it
    vendor.verify(
        getRequestedFor(urlPathEqualTo(ZendeskConnectorTest.EXPORT))
            .withQueryParam("cursor", equalTo(ZendeskConnectorTest.CURSOR1)));
    assertThat(stored).as("the good tickets of the page").containsKeys("102", "103");
    return stored;
  }

  void rejectsTicket101(String from, String to, String id, String reason) throws Exception {
    firstPageWith(from, to);
    assertThat(rejectedOfFirstPage()).containsExactly(new Rejected(id, reason));
    assertThat(syncRejectingOne()).doesNotContainKey("101").doesNotContainKey("null");
  }

  @Test
  void aNullIdIsRejectedNeverTicketNull() throws Exception {
    rejectsTicket101("\"id\": 101,", "\"id\": null,", "?", "id: null");
  }

  @Test
  void aNullStatusIsRejectedNeverOpen() throws Exception {
    rejectsTicket101(
        "\"status\": \"solved\", \"priority\": \"high\"",
        "\"status\": null, \"priority\": \"high\"",
        "101",
        "status: null");
  }

  @Test
  void aNullCreatedAtIsRejected() throws Exception {
    rejectsTicket101(
        "\"created_at\": \"2026-11-18T08:00:00Z\"",
        "\"created_at\": null",
        "101",
        "created_at: null");
  }

  @Test
  void aCreatedAtThatIsNotATimeIsRejected() throws Exception {
    rejectsTicket101(
        "\"created_at\": \"2026-11-18T08:00:00Z\"",
        "\"created_at\": \"yesterday\"",
        "101",
        "created_at: not a time: \"yesterday\"");
  }

  @Test
  void aTimePastYear9999IsRejected() throws Exception {
    rejectsTicket101(
        "\"created_at\": \"2026-11-18T08:00:00Z\"",
        "\"created_at\": \"+10000-01-01T00:00:00Z\"",
        "101",
        "createdAt: outside 1970-01-01..9999-12-31: +10000-01-01T00:00:00Z");
  }

  @Test
  void aTimeBefore1970IsRejected() throws Exception {
    rejectsTicket101(
        "\"created_at\": \"2026-11-18T08:00:00Z\"",
        "\"created_at\": \"1969-07-20T20:17:00Z\"",
        "101",
        "createdAt: outside 1970-01-01..9999-12-31: 1969-07-20T20:17:00Z");
  }

  @Test
  void negativeReplyAndResolutionMinutesAreRejected() throws Exception {
    firstPageWith(
        "\"full_resolution_time_in_minutes\": {\"calendar\": 120, \"business\": 90}",
        "\"full_resolution_time_in_minutes\": {\"calendar\": -120, \"business\": -90}");
    rejectsTicket101(
        "\"reply_time_in_minutes\": {\"calendar\": 30, \"business\": 20}",
        "\"reply_time_in_minutes\": {\"calendar\": -30, \"business\": -20}",
        "101",
        "firstReplyCalendar: negative: PT-30M");
  }

  @Test
  void minutesWhoseSecondsOverflowALongAreRejected() throws Exception {
    rejectsTicket101(
        "\"reply_time_in_minutes\": {\"calendar\": 30,",
        "\"reply_time_in_minutes\": {\"calendar\": 200000000000000000,",
        "101",
        "metric_set.reply_time_in_minutes.calendar: overflows: 200000000000000000");
  }

  @Test
  void minutesPastTheEndOfTimeAreRejected() throws Exception {
    rejectsTicket101(
        "\"reply_time_in_minutes\": {\"calendar\": 30,",
        "\"reply_time_in_minutes\": {\"calendar\": 100000000000000,",
        "101",
        "firstReplyAt: outside 1970-01-01..9999-12-31: +190134457-12-02T18:40:00Z");
  }

  @Test
  void invalidUtf8InASubjectIsReplacedNotRejected() throws Exception {
    String page = ZendeskConnectorTest.fixture("tickets-page1.json");
    int at = page.indexOf("Charged twice");
    assertThat(at).isPositive();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(page.substring(0, at).getBytes(StandardCharsets.UTF_8));
    body.writeBytes(new byte[] {'C', 'h', (byte) 0xff, 'r', (byte) 0xc3});
    body.writeBytes(page.substring(at + "Cha".length()).getBytes(StandardCharsets.UTF_8));
    vendor.stubFor(
        get(urlPathEqualTo(ZendeskConnectorTest.EXPORT))
            .withQueryParam("start_time", matching("\\d+"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(body.toByteArray())));
    assertThat(rejectedOfFirstPage()).isEmpty();
    Map<String, Ticket> stored = new HashMap<>();
    Connector c = connector();
    try (SyncHarness h = new SyncHarness(dir, c, clock)) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors("tickets", "mapping")).isZero();
      assertThat(h.errors("tickets", "bad_response")).isZero();
      h.store.forEach(
          c.name(),
          (stream, r) -> {
            if (r instanceof Ticket t) {
              stored.put(t.id(), t);
            }
          });
    }
    assertThat(stored.get("101").subject()).isEqualTo("Ch\uFFFDr\uFFFDrged twice");
  }

  @Test
  void aScrapeAfterANegativeDurationTicketHasNoNegativeSample() throws Exception {
    // the backfill, then a live page: ticket 201 is good, 202 has negative reply and resolution
    String live =
        """
        {"tickets": [
          {"id": 201, "generated_timestamp": 1795006000, "created_at": "2026-11-18T12:00:00Z",
           "updated_at": "2026-11-18T12:50:00Z", "status": "solved", "priority": "high",
           "group_id": 11, "via": {"channel": "email"}, "tags": [],
           "metric_set": {"reopens": 0, "replies": 1, "group_stations": 1,
             "reply_time_in_minutes": {"calendar": 15, "business": 15},
             "full_resolution_time_in_minutes": {"calendar": 50, "business": 50},
             "requester_wait_time_in_minutes": {"calendar": 40, "business": 40},
             "solved_at": "2026-11-18T12:50:00Z"}},
          {"id": 202, "generated_timestamp": 1795006000, "created_at": "2026-11-18T12:00:00Z",
           "updated_at": "2026-11-18T12:50:00Z", "status": "solved", "priority": "high",
           "group_id": 11, "via": {"channel": "email"}, "tags": [],
           "metric_set": {"reopens": 0, "replies": 1, "group_stations": 1,
             "reply_time_in_minutes": {"calendar": -15, "business": -15},
             "full_resolution_time_in_minutes": {"calendar": -50, "business": -50},
             "requester_wait_time_in_minutes": {"calendar": 40, "business": 40},
             "solved_at": "2026-11-18T12:50:00Z"}}],
         "after_cursor": "%s", "end_of_stream": true}
        """
            .formatted(ZendeskConnectorTest.CURSOR2);
    PrometheusRegistry registry = new PrometheusRegistry();
    double mappingErrors;
    try (SyncHarness h = new SyncHarness(dir, connector(), clock)) {
      assertThat(h.syncAll()).isEmpty();
      vendor.stubFor(
          get(urlPathEqualTo(ZendeskConnectorTest.EXPORT))
              .withQueryParam("cursor", equalTo(ZendeskConnectorTest.CURSOR2))
              .atPriority(1)
              .willReturn(okJson(live)));
      assertThat(h.syncAll()).isEmpty();
      mappingErrors = h.errors("tickets", "mapping");
      TransitionMetrics metrics = TransitionMetrics.register(registry, h.kpi.config().dimensions());
      SnapshotCollector collector = SnapshotCollector.register(registry);
      metrics.initialize(h.kpi.drainNewLabels());
      metrics.record(h.transitions);
      collector.update(h.snapshot());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    List<String> samples = new ArrayList<>();
    List<String> negative = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(line);
      String value = line.substring(line.lastIndexOf(' ') + 1);
      if (Double.parseDouble(value) < 0) {
        negative.add(line);
      }
    }
    assertThat(negative).isEmpty();
    // not vacuous: ticket 201's live first reply reached a histogram's _sum (15 min)
    assertThat(samples)
        .anyMatch(
            l -> l.startsWith("cx_ticket_first_response_seconds_sum{") && l.endsWith(" 900.0"));
    assertThat(mappingErrors).as("ticket 202 rejected").isEqualTo(1.0);
  }
}
