package io.cxexporter.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.util.IsoInstant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paging loop against a WireMock vendor, one scenario per pagination style: each page after the
 * first is asked with the token of the page before it, the last page ends the pass, a repeated
 * token stops a loop, a page cap restarts the pass from the watermark, and a POST search carries
 * its cursor in the body. Records are {@link Deleted} tombstones: id and time are all a page needs.
 */
class PagedStreamTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  final long backfillStart = clock.instant().minus(Duration.ofDays(90)).getEpochSecond();
  WireMockServer vendor;
  ApiClient api;
  HttpUrl base;

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    base = HttpUrl.get(vendor.baseUrl());
    api =
        ApiClient.builder(HttpSettings.DEFAULTS, RequestListener.NONE, clock)
            .sleeper(d -> {})
            .build();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  static String item(String id, String at) {
    return "{\"id\":\"" + id + "\",\"updated_at\":\"" + at + "\"}";
  }

  static Record tombstone(com.fasterxml.jackson.databind.JsonNode n) {
    return new Deleted(n.path("id").asText(), IsoInstant.parse(n.path("updated_at").asText()));
  }

  PagedStream.Builder stream(String path) {
    return PagedStream.builder("items", api, "items", clock)
        .first(since -> Request.get(base, path).query("since", Long.toString(since)))
        .items("/items")
        .time(n -> IsoInstant.parse(n.path("updated_at").asText()))
        .mapper(PagedStreamTest::tombstone);
  }

  /** Reads until caught up (at most 20 pages); returns the pages. */
  static List<Page> pass(PagedStream s, Cursor from) throws ConnectorException {
    List<Page> pages = new ArrayList<>();
    Cursor c = from;
    for (int i = 0; i < 20; i++) {
      Page p = s.read(c);
      pages.add(p);
      c = p.next();
      if (p.caughtUp()) {
        return pages;
      }
    }
    throw new AssertionError("no end after 20 pages");
  }

  @Test
  void endFlagCursorAsksEachPageWithThePreviousTokenAndResumesAtTheLast() throws Exception {
    vendor.stubFor(
        get(urlPathEqualTo("/export"))
            .withQueryParam("cursor", absent())
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("1", "2026-11-01T00:00:00Z")
                        + "],\"after\":\"A\",\"end\":false}")));
    vendor.stubFor(
        get(urlPathEqualTo("/export"))
            .withQueryParam("cursor", equalTo("A"))
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("2", "2026-11-02T00:00:00Z")
                        + "],\"after\":\"B\",\"end\":true}")));
    PagedStream s =
        stream("export").paginator(Paginator.cursor("/after", "/end", "cursor", "since")).build();

    List<Page> pages = pass(s, Cursor.START);

    assertThat(pages).hasSize(2);
    assertThat(pages.get(0).next().value()).isEqualTo("A");
    assertThat(pages.get(0).caughtUp()).isFalse();
    assertThat(pages.get(1).next().value()).as("resumes at the last cursor").isEqualTo("B");
    assertThat(pages.get(1).caughtUp()).isTrue();
    assertThat(pages.get(1).progress()).isEqualTo(1.0);
    vendor.verify(
        getRequestedFor(urlPathEqualTo("/export"))
            .withQueryParam("since", equalTo(Long.toString(backfillStart)))
            .withQueryParam("cursor", absent()));
    vendor.verify(
        getRequestedFor(urlPathEqualTo("/export"))
            .withQueryParam("cursor", equalTo("A"))
            .withQueryParam("since", absent()));
  }

  @Test
  void hasMoreCursorEndsThePassAtTheWatermarkMinusItsOverlap() throws Exception {
    vendor.stubFor(
        get(urlPathEqualTo("/ratings"))
            .withQueryParam("after", absent())
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("1", "2026-11-10T00:00:00Z")
                        + "],\"meta\":{\"more\":true,\"next\":\"P2\"}}")));
    vendor.stubFor(
        get(urlPathEqualTo("/ratings"))
            .withQueryParam("after", equalTo("P2"))
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("2", "2026-11-12T00:00:00Z")
                        + "],\"meta\":{\"more\":false}}")));
    PagedStream s =
        stream("ratings")
            .paginator(Paginator.cursorWhile("/meta/next", "/meta/more", "after"))
            .watermark("start", Duration.ofMinutes(1))
            .build();

    List<Page> pages = pass(s, Cursor.START);

    assertThat(pages.get(0).next().value())
        .startsWith("start=" + backfillStart + ";after=P2;newest=");
    long newest = Instant.parse("2026-11-12T00:00:00Z").getEpochSecond();
    assertThat(pages.get(1).next().value()).isEqualTo("start=" + (newest - 60));
    assertThat(pages.get(0).progress())
        .isEqualTo(
            WatermarkCursor.progress(
                Instant.parse("2026-11-10T00:00:00Z").getEpochSecond(), backfillStart, clock));
  }

  @Test
  void aPageThatHandsBackTheTokenItWasReadWithStopsTheLoop() {
    vendor.stubFor(
        get(urlPathEqualTo("/loop"))
            .willReturn(okJson("{\"items\":[],\"next_page_token\":\"SAME\"}")));
    PagedStream s =
        stream("loop").paginator(Paginator.token("/next_page_token", "pageToken")).build();

    assertThatThrownBy(() -> s.read(new Cursor("SAME")))
        .isInstanceOf(ConnectorException.class)
        .hasMessage("items returned the page token it was read with; stopped to avoid a loop")
        .extracting(e -> ((ConnectorException) e).kind())
        .isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
  }

  @Test
  void theVendorsPageCapRestartsThePassFromTheWatermark() throws Exception {
    // page N answers with item N and a link to page N+1, forever (a vendor with a 2-page cap)
    for (int n = 1; n <= 3; n++) {
      vendor.stubFor(
          get(urlPathEqualTo("/tickets"))
              .withQueryParam("page", n == 1 ? absent() : equalTo(Integer.toString(n)))
              .withQueryParam("since", equalTo(Long.toString(backfillStart)))
              .willReturn(
                  okJson(
                      "{\"items\":["
                          + item(Integer.toString(n), "2026-11-0" + n + "T00:00:00Z")
                          + ","
                          + item(n + "b", "2026-11-0" + n + "T00:00:00Z")
                          + "]}")));
    }
    long second = Instant.parse("2026-11-02T00:00:00Z").getEpochSecond();
    vendor.stubFor(
        get(urlPathEqualTo("/tickets"))
            .withQueryParam("since", equalTo(Long.toString(second)))
            .willReturn(okJson("{\"items\":[" + item("9", "2026-11-09T00:00:00Z") + "]}")));
    PagedStream s =
        stream("tickets")
            .paginator(Paginator.pageNumber("page", "/items", 2))
            .watermark("since", Duration.ZERO)
            .cap(2)
            .build();

    Page first = s.read(Cursor.START);
    assertThat(first.next().value())
        .isEqualTo(
            "since="
                + backfillStart
                + ";after=2;pages=1;newest="
                + Instant.parse("2026-11-01T00:00:00Z").getEpochSecond());
    Page capped = s.read(first.next());
    assertThat(capped.caughtUp()).as("a restart, not the end").isFalse();
    assertThat(capped.next().value()).isEqualTo("since=" + second);
    Page restarted = s.read(capped.next());
    assertThat(restarted.caughtUp()).isTrue();
    assertThat(restarted.records()).extracting(Record::id).containsExactly("9");
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(3);
  }

  @Test
  void anEmptyLastPageEndsThePassAtItsNewestRecordAcrossARestartToo() throws Exception {
    // two full pages, then an empty one (the total is a multiple of the page size): the pass ends
    // at the newest record of page 2, not where it began, also when the process restarted between
    // page 2 and the empty page (the cursor carries the pass's newest time)
    for (int n = 1; n <= 3; n++) {
      String items =
          n == 3
              ? ""
              : item(Integer.toString(n), "2026-11-0" + n + "T00:00:00Z")
                  + ","
                  + item(n + "b", "2026-11-0" + n + "T06:00:00Z");
      vendor.stubFor(
          get(urlPathEqualTo("/paged"))
              .withQueryParam("page", n == 1 ? absent() : equalTo(Integer.toString(n)))
              .withQueryParam("since", equalTo(Long.toString(backfillStart)))
              .willReturn(okJson("{\"items\":[" + items + "]}")));
    }
    PagedStream s =
        stream("paged")
            .paginator(Paginator.pageNumber("page", "/items", 2))
            .watermark("since", Duration.ofMinutes(1))
            .build();
    long newest = Instant.parse("2026-11-02T06:00:00Z").getEpochSecond();

    List<Page> pages = pass(s, Cursor.START);
    assertThat(pages).hasSize(3);
    assertThat(pages.get(2).next().value()).isEqualTo("since=" + (newest - 60));

    Page one = s.read(Cursor.START);
    Page two = s.read(one.next());
    assertThat(two.next().value()).endsWith(";newest=" + newest);
    PagedStream restarted =
        stream("paged")
            .paginator(Paginator.pageNumber("page", "/items", 2))
            .watermark("since", Duration.ofMinutes(1))
            .build();
    Page last = restarted.read(new Cursor(two.next().value()));
    assertThat(last.caughtUp()).isTrue();
    assertThat(last.next().value()).isEqualTo("since=" + (newest - 60));
  }

  @Test
  void aCapRestartWithAnInclusiveFilterDropsTheBoundaryRecordsItReadsAgain() throws Exception {
    // Freshdesk-like: pages 1 and 2 of a 2-page cap; page 2 ends with 2 and 2b at one second, and
    // the restarted query (updated_since >= that second) sends them again before 3
    for (int n = 1; n <= 2; n++) {
      vendor.stubFor(
          get(urlPathEqualTo("/capped"))
              .withQueryParam("page", n == 1 ? absent() : equalTo(Integer.toString(n)))
              .withQueryParam("since", equalTo(Long.toString(backfillStart)))
              .willReturn(
                  okJson(
                      "{\"items\":["
                          + item(Integer.toString(n), "2026-11-0" + n + "T00:00:00Z")
                          + ","
                          + item(n + "b", "2026-11-0" + n + "T00:00:00Z")
                          + "]}")));
    }
    long second = Instant.parse("2026-11-02T00:00:00Z").getEpochSecond();
    vendor.stubFor(
        get(urlPathEqualTo("/capped"))
            .withQueryParam("since", equalTo(Long.toString(second)))
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("2", "2026-11-02T00:00:00Z")
                        + ","
                        + item("2b", "2026-11-02T00:00:00Z")
                        + ","
                        + item("3", "2026-11-03T00:00:00Z")
                        + "]}")));
    PagedStream s =
        stream("capped")
            .paginator(Paginator.pageNumber("page", "/items", 2))
            .watermark("since", Duration.ZERO)
            .cap(2)
            .dedupeBoundary()
            .build();

    Page first = s.read(Cursor.START);
    Page capped = s.read(first.next());
    assertThat(capped.records()).extracting(Record::id).containsExactly("2", "2b");
    assertThat(capped.caughtUp()).as("a restart, not the end").isFalse();
    assertThat(capped.next().value()).isEqualTo("since=" + second + ";seen=2,2b");
    Page restarted = s.read(capped.next());
    assertThat(restarted.records())
        .extracting(Record::id)
        .as("2, 2b delivered")
        .containsExactly("3");
    assertThat(restarted.rejected()).isEmpty();
  }

  @Test
  void aPostSearchCarriesItsCursorInTheBody() throws Exception {
    vendor.stubFor(
        post(urlPathEqualTo("/search"))
            .withRequestBody(equalToJson("{\"limit\":1}"))
            .willReturn(
                okJson(
                    "{\"results\":["
                        + item("1", "2026-11-01T00:00:00Z")
                        + "],\"paging\":{\"next\":{\"after\":\"1\"}}}")));
    vendor.stubFor(
        post(urlPathEqualTo("/search"))
            .withRequestBody(equalToJson("{\"limit\":1,\"after\":\"1\"}"))
            .willReturn(
                okJson("{\"results\":[" + item("2", "2026-11-02T00:00:00Z") + "],\"paging\":{}}")));
    PagedStream s =
        PagedStream.builder("search", api, "search", clock)
            .first(since -> Request.post(base, "search", JSON.createObjectNode().put("limit", 1)))
            .items("/results")
            .paginator(Paginator.bodyToken("/paging/next/after", "/after"))
            .watermark("since", Duration.ZERO)
            .mapper(PagedStreamTest::tombstone)
            .build();

    List<Page> pages = pass(s, Cursor.START);

    assertThat(pages).hasSize(2);
    assertThat(pages.stream().flatMap(p -> p.records().stream()).map(Record::id))
        .containsExactly("1", "2");
    vendor.verify(
        postRequestedFor(urlPathEqualTo("/search"))
            .withHeader("Content-Type", containing("application/json")));
  }

  @Test
  void aRecordThatCannotBeMappedIsRejectedAndTheRestOfThePageKept() throws Exception {
    vendor.stubFor(
        get(urlPathEqualTo("/bad"))
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("1", "2026-11-01T00:00:00Z")
                        + ","
                        + item("2", "yesterday")
                        + ","
                        + item("3", "2026-11-03T00:00:00Z")
                        + "],\"end\":true}")));
    PagedStream s = stream("bad").paginator(Paginator.cursor("/after", "/end", "c")).build();

    Page p = s.read(Cursor.START);

    assertThat(p.records()).extracting(Record::id).containsExactly("1", "3");
    assertThat(p.rejected()).singleElement().extracting(Rejected::id).isEqualTo("2");
    assertThat(p.rejected().get(0).reason()).contains("yesterday");
  }

  @Test
  void aPageWithoutItsArrayOrPagingFieldsIsABadResponse() {
    vendor.stubFor(get(urlPathEqualTo("/shape")).willReturn(okJson("{\"items\":[]}")));
    PagedStream s = stream("shape").paginator(Paginator.cursor("/after", "/end", "c")).build();

    assertThatThrownBy(() -> s.read(Cursor.START)).hasMessage("unexpected page shape from items");
  }

  @Test
  void aTimeBasedExportThatDoesNotMoveForwardIsABadResponse() {
    vendor.stubFor(get(urlPathEqualTo("/timed")).willReturn(okJson("{\"items\":[]}")));
    Paginator stuck =
        new Paginator() {
          @Override
          public Step next(ApiResponse page) {
            return Step.moreSince(Long.parseLong(page.request().queryParameter("since")));
          }

          @Override
          public Request follow(Request first, String token) {
            return first;
          }
        };
    PagedStream s = stream("timed").paginator(stuck).watermark("t", Duration.ZERO).build();

    assertThatThrownBy(() -> s.read(new Cursor("t=100")))
        .hasMessage("items said there is more but its next page starts where this one did");
  }

  @Test
  void anInclusiveTimeFilterResendsTheBoundaryRecordsAndTheyAreDroppedOnce() throws Exception {
    long boundary = Instant.parse("2026-11-05T00:00:00Z").getEpochSecond();
    vendor.stubFor(
        get(urlPathEqualTo("/changes"))
            .withQueryParam("since", equalTo(Long.toString(backfillStart)))
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("1", "2026-11-01T00:00:00Z")
                        + ","
                        + item("2", "2026-11-05T00:00:00Z")
                        + "]}")));
    vendor.stubFor(
        get(urlPathEqualTo("/changes"))
            .withQueryParam("since", equalTo(Long.toString(boundary)))
            .willReturn(
                okJson(
                    "{\"items\":["
                        + item("2", "2026-11-05T00:00:00Z")
                        + ","
                        + item("3", "2026-11-05T00:00:00Z")
                        + "]}")));
    PagedStream s =
        stream("changes")
            .paginator(Paginator.token("/next", "page"))
            .watermark("since", Duration.ZERO)
            .dedupeBoundary()
            .build();

    Page first = s.read(Cursor.START);
    assertThat(first.next().value()).isEqualTo("since=" + boundary + ";seen=2");
    Page second = s.read(first.next());

    assertThat(second.records()).extracting(Record::id).as("2 was delivered").containsExactly("3");
    assertThat(second.next().value()).isEqualTo("since=" + boundary + ";seen=2,3");
  }
}
