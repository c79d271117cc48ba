package io.cxexporter.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.testing.RecordingSleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every connector owes the exporter, against a WireMock stand-in for the vendor: auth
 * sent, pagination consumed to the end with each page asked with the token of the page before it,
 * every request reported for {@code cx_connector_requests_total}, {@code 429} + {@code Retry-After}
 * honoured with exactly the wait asked (through the context's {@link io.cxexporter.util.Sleeper}:
 * no test waits on real time), 5xx retried, 401 surfaced without a retry storm, garbage and
 * truncated JSON never advancing the cursor, a record that cannot be mapped counted and skipped, a
 * restart resuming from the stored cursor, a record seen twice counted once, deleted records
 * leaving the backlog, a null id or status rejected without stopping the page, JSON nested past the
 * cap refused as a bad response, and lookups that answer 404 or 500 or hang never blocking a stream
 * (each asked once, one request timeout at most) and healing later. Each pagination style the
 * connector uses ({@link #pagingStyles()}) adds its scenario: a page token handed back twice, a
 * vendor page cap, a POST body cursor.
 *
 * <p>A vendor's test extends it and supplies its stubs and exact KPIs; see {@code
 * docs/connectors/WRITING.md}.
 */
public abstract class ConnectorContractTest {
  protected WireMockServer vendor;
  @TempDir protected Path dir;
  protected MutableClock clock;
  protected RecordingSleeper sleeper;
  protected RecordingRequests requests;
  private Path scenarioDir;

  /** The pagination styles a connector's main stream can meet, each with a contract scenario. */
  public enum PagingStyle {
    /** The page says it is the last (an end flag, no next token): the pass stops there. */
    LAST_PAGE,
    /** A vendor answer that hands back the token the page was asked with: refused, no loop. */
    TOKEN_LOOP,
    /** A vendor cap on pages per query: the pass restarts from the watermark, nothing lost. */
    CAP_RESTART,
    /** A POST search whose cursor travels in the JSON body. */
    POST_BODY
  }

  /** The connector under test, pointed at {@code baseUrl}. */
  protected abstract Connector connector(String baseUrl, ConnectorContext ctx);

  /** The instant the tests run at (fixtures are written against it). */
  protected abstract String now();

  /** Stubs every page of a full backfill, and the "nothing new" answer after it. */
  protected abstract void stubBackfill(WireMockServer vendor);

  /** Matches the first page request of the main stream (for fault injection). */
  protected abstract MappingBuilder firstPage();

  /** The main stream's name. */
  protected abstract String mainStream();

  /** The header name and exact value the vendor must receive. */
  protected abstract Map.Entry<String, String> expectedAuthHeader();

  /** How many requests a full backfill makes (pages plus lookups). */
  protected abstract int backfillRequests();

  /** Asserts the exact KPIs after the full backfill. */
  protected abstract void assertBackfilledKpis(KpiSnapshot s);

  /** Requests a restart after a full backfill costs: by default one caught-up probe per stream. */
  protected int restartRequests() {
    return connector(vendor.baseUrl(), ctx()).streams().size();
  }

  /**
   * The text of fixture {@code name} under {@code src/test/resources/<dir>/}, the vendor's
   * documented shapes; one reader for every connector's test.
   */
  protected static String fixture(String dir, String name) {
    try {
      return Files.readString(Path.of("src/test/resources", dir, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The connector's name, the {@code source} label of its series (default {@code vendor}). */
  protected String source() {
    return "vendor";
  }

  /**
   * The main stream's page requests of the backfill, in order: page n+1's pattern names the token
   * page n returned. The contract checks each was asked exactly once, in this order, and nothing
   * past the last page.
   */
  protected abstract List<RequestPatternBuilder> mainStreamPages();

  /**
   * Replaces the first page of the backfill with one holding a record the mapper cannot read (and
   * good ones beside it); returns that record's id.
   */
  protected abstract String stubUnreadableRecord(WireMockServer vendor);

  /**
   * Replaces the first page of the backfill with one where one record has a null id and another a
   * null status (a null created time where the vendor's status is derived), the rest good; returns
   * the second record's id. The default skips the scenario: only for a connector without JSON
   * record pages.
   */
  protected String stubNullIdAndNullStatus(WireMockServer vendor) {
    Assumptions.abort("this connector reads no JSON record pages");
    return null;
  }

  /**
   * {@code page} with the first {@code from} at or after {@code after} replaced by {@code to} (a
   * field of one record, found after that record's id); fails when it is not there.
   */
  protected static String replacedAfter(String page, String after, String from, String to) {
    int at = page.indexOf(after);
    assertThat(at).as("%s in the page", after).isNotNegative();
    int i = page.indexOf(from, at);
    assertThat(i).as("%s after %s", from, after).isNotNegative();
    return page.substring(0, i) + to + page.substring(i + from.length());
  }

  /** The pagination styles of the main stream; each adds its scenario. */
  protected Set<PagingStyle> pagingStyles() {
    return EnumSet.of(PagingStyle.LAST_PAGE);
  }

  /**
   * {@link PagingStyle#TOKEN_LOOP}: makes the second page of the main stream hand back the token it
   * was asked with.
   */
  protected void stubTokenLoop(WireMockServer vendor) {
    throw new UnsupportedOperationException("declare TOKEN_LOOP only with stubTokenLoop");
  }

  /**
   * {@link PagingStyle#CAP_RESTART}: stubs a backfill that hits the vendor's page cap; returns the
   * pattern of the restarted query (the watermark moved). The run must still reach every record.
   */
  protected RequestPatternBuilder stubCapRestart(WireMockServer vendor) {
    throw new UnsupportedOperationException("declare CAP_RESTART only with stubCapRestart");
  }

  /**
   * {@link PagingStyle#POST_BODY}: the pattern of the second page's POST, whose body carries the
   * first page's cursor.
   */
  protected RequestPatternBuilder secondPostPage() {
    throw new UnsupportedOperationException("declare POST_BODY only with secondPostPage");
  }

  /**
   * Makes every lookup the connector makes (names, fields, pipelines, SLA policies) answer {@code
   * fault}, at a priority over the backfill's stubs. The default skips the lookup scenarios: only a
   * connector that makes no lookups keeps it.
   */
  protected void stubLookupsFailing(WireMockServer vendor, ResponseDefinitionBuilder fault) {
    Assumptions.abort("this connector makes no lookups");
  }

  /**
   * The streams the heal-later scenario reads while the lookups fail (by default all): a stream
   * that names nothing and remembers what it has read for the life of the connector would skip
   * those records when the same connector backfills again into a fresh store.
   */
  protected Set<String> streamsReadWhileLookupsFail() {
    Set<String> all = new java.util.LinkedHashSet<>();
    connector(vendor.baseUrl(), ctx()).streams().forEach(st -> all.add(st.name()));
    return all;
  }

  /**
   * A looked-up field of one backfilled record of the main stream: {@code field} ({@code group} or
   * {@code assignee}) of record {@code id} reads {@code failing} while the lookups fail (the id the
   * vendor sent, or null where the lookup finds the field to read) and {@code healed} once they
   * answer.
   */
  public record LookedUp(String id, String field, String failing, String healed) {}

  /**
   * Looked-up fields of backfilled records ({@link LookedUp}), each group and assignee lookup the
   * connector makes at least once; the heal-later scenario checks them before and after healing.
   */
  protected List<LookedUp> lookedUpFields() {
    throw new UnsupportedOperationException("declare lookedUpFields with stubLookupsFailing");
  }

  /** Makes GETs of each of {@code paths} answer {@code fault}, over the backfill's stubs. */
  protected static void failGets(
      WireMockServer vendor, ResponseDefinitionBuilder fault, String... paths) {
    for (String path : paths) {
      vendor.stubFor(
          com.github.tomakehurst.wiremock.client.WireMock.get(
                  com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(path))
              .atPriority(1)
              .willReturn(fault));
    }
  }

  /**
   * How far the heal-later scenario moves the clock: past the minute a failed lookup rests, so its
   * second backfill starts this much later than {@link #now()} (its stubs must answer that too).
   */
  protected static final Duration HEAL_AFTER = Duration.ofSeconds(61);

  /** The request timeout of the hanging-lookup scenario (connect, read and call). */
  protected static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(1);

  /** The context every connector of the contract runs with: recorded requests and waits. */
  protected ConnectorContext ctx() {
    return new ConnectorContext(clock, requests, sleeper);
  }

  /** Open tickets after the backfill (deleted ones excluded, each ticket once). */
  protected abstract int expectedBacklog();

  @BeforeEach
  void startVendor() {
    clock = MutableClock.at(now());
    sleeper = new RecordingSleeper(clock);
    scenarioDir = dir;
    requests = new RecordingRequests();
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    stubBackfill(vendor);
  }

  @AfterEach
  void stopVendor() {
    vendor.stop();
  }

  protected SyncHarness harness() {
    return harness(connector(vendor.baseUrl(), ctx()));
  }

  /**
   * {@code page} with its first {@code from} replaced by {@code to} (e.g. a record made
   * unreadable); fails when {@code from} is not in the page, so a changed fixture cannot make a
   * test vacuous.
   */
  protected static String replacedOnce(String page, String from, String to) {
    String out =
        page.replaceFirst(
            java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    assertThat(out).as("%s in the page", from).isNotEqualTo(page);
    return out;
  }

  /** A harness on this test's state directory and clock for another configuration of {@code c}. */
  protected SyncHarness harness(Connector c) {
    return new SyncHarness(scenarioDir, c, clock);
  }

  private void failFirst(ResponseDefinitionBuilder fault) {
    vendor.stubFor(
        firstPage()
            .atPriority(1)
            .inScenario("fault")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(fault)
            .willSetStateTo("recovered"));
  }

  /**
   * The {@code i}-th object of a JSON array fixture, as its text (top-level objects only), so a
   * test can re-serve or edit one record of a page without reformatting it.
   */
  public static String arrayItem(String array, int i) {
    java.util.List<String> items = new java.util.ArrayList<>();
    int depth = 0;
    int start = -1;
    for (int k = 0; k < array.length(); k++) {
      char c = array.charAt(k);
      if (c == '{') {
        if (depth++ == 0) {
          start = k;
        }
      } else if (c == '}' && --depth == 0) {
        items.add(array.substring(start, k + 1));
      }
    }
    return items.get(i);
  }

  /** Labels of the whole-source series of source {@code vendor}, plus {@code kv} pairs. */
  public static Map<String, String> whole(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("source", "vendor");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** The sum of every series of KPI {@code name} of source {@code vendor}. */
  public static double sum(KpiSnapshot s, String name) {
    return sum(s, name, Map.of("source", "vendor"));
  }

  /** The sum of the series of KPI {@code name} matching {@code labels}. */
  public static double sum(KpiSnapshot s, String name, Map<String, String> labels) {
    return s.find(name, labels).stream().mapToDouble(io.cxexporter.kpi.KpiSeries::value).sum();
  }

  protected static double backlog(KpiSnapshot s, String source) {
    return s.find("tickets_open", Map.of("source", source)).stream()
        .mapToDouble(KpiSeries::value)
        .sum();
  }

  @Test
  void sendsTheAuthHeaderOnEveryRequest() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    Map.Entry<String, String> auth = expectedAuthHeader();
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    assertThat(all)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader(auth.getKey())).isEqualTo(auth.getValue()));
  }

  @Test
  void consumesPaginationToTheEndWithOnlyTheRequestsItMust() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.state(mainStream()).backfillDone()).isTrue();
      assertBackfilledKpis(h.snapshot());
      assertThat(backlog(h.snapshot(), source())).isEqualTo(expectedBacklog());
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(backfillRequests());
    assertThat(requests.requests())
        .as("every request reported for cx_connector_requests_total")
        .hasSize(backfillRequests())
        .allSatisfy(r -> assertThat(r).matches("[a-z_]+(/[a-z_]+)* 200"));
  }

  @Test
  void asksEachPageWithTheTokenOfThePageBeforeAndNothingPastTheLast() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    List<RequestPatternBuilder> pages = mainStreamPages();
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    List<Integer> at = new ArrayList<>();
    for (RequestPatternBuilder page : pages) {
      List<LoggedRequest> matched = vendor.findAll(page);
      assertThat(matched).as("asked once: %s", page.build()).hasSize(1);
      at.add(all.indexOf(matched.get(0)));
    }
    assertThat(at).as("in order").isSorted();
  }

  @Test
  void aRecordThatCannotBeReadIsCountedAndSkippedNotTheWholePage() {
    String bad = stubUnreadableRecord(vendor);
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertThat(h.errors(mainStream(), "mapping")).isEqualTo(1.0);
      assertThat(h.store.state(source(), mainStream()).backfillDone()).isTrue();
      List<String> ids = new ArrayList<>();
      h.store.forEach(source(), (stream, r) -> ids.add(stream + "/" + r.id()));
      assertThat(ids).doesNotContain(mainStream() + "/" + bad).isNotEmpty();
    }
  }

  @Test
  void aNullIdAndANullStatusRejectThoseRecordsAndTheRestOfThePageGoesOn() {
    String nullStatus = stubNullIdAndNullStatus(vendor);
    try (SyncHarness h = harness()) {
      Map<String, Duration> failed = h.syncAll();
      assertThat(failed).as(() -> "errors: " + errors(h, failed.keySet())).isEmpty();
      assertThat(h.errors(mainStream(), "mapping"))
          .as("both rejected: cx_connector_errors_total{kind=\"mapping\"}")
          .isEqualTo(2.0);
      assertThat(h.state(mainStream()).backfillDone()).as("the cursor went on").isTrue();
      List<String> ids = new ArrayList<>();
      h.store.forEach(
          source(),
          (stream, r) -> {
            if (stream.equals(mainStream())) {
              ids.add(r.id());
            }
          });
      assertThat(ids)
          .as("the good records of the page and the stream are stored")
          .isNotEmpty()
          .doesNotContain("null", "", nullStatus);
    }
  }

  @TestFactory
  List<DynamicTest> pagingScenarios() {
    List<DynamicTest> out = new ArrayList<>();
    for (PagingStyle style : pagingStyles()) {
      out.add(dynamicTest(style.name(), () -> scenario(style)));
    }
    return out;
  }

  /** Each scenario from scratch: dynamic tests share one {@code @BeforeEach}. */
  private void scenario(PagingStyle style) {
    vendor.resetAll();
    stubBackfill(vendor);
    clock.set(MutableClock.at(now()).instant());
    requests.clear();
    scenarioDir = dir.resolve(style.name());
    switch (style) {
      case LAST_PAGE -> {
        try (SyncHarness h = harness()) {
          assertThat(h.syncAll()).isEmpty();
          assertThat(h.state(mainStream()).backfillDone()).isTrue();
        }
        List<RequestPatternBuilder> pages = mainStreamPages();
        assertThat(vendor.findAll(pages.get(pages.size() - 1))).hasSize(1);
      }
      case TOKEN_LOOP -> {
        stubTokenLoop(vendor);
        try (SyncHarness h = harness()) {
          assertThat(h.syncAll()).containsKey(mainStream());
          assertThat(h.lastError(mainStream())).startsWith("bad_response: ").contains("loop");
          assertThat(h.state(mainStream()).backfillDone()).isFalse();
        }
        List<RequestPatternBuilder> pages = mainStreamPages();
        assertThat(vendor.findAll(pages.get(1))).as("asked once, not in a loop").hasSize(1);
      }
      case CAP_RESTART -> {
        RequestPatternBuilder restarted = stubCapRestart(vendor);
        try (SyncHarness h = harness()) {
          assertThat(h.syncAll()).isEmpty();
          assertBackfilledKpis(h.snapshot());
        }
        assertThat(vendor.findAll(restarted)).hasSize(1);
      }
      case POST_BODY -> {
        try (SyncHarness h = harness()) {
          assertThat(h.syncAll()).isEmpty();
        }
        assertThat(vendor.findAll(secondPostPage())).hasSize(1);
      }
    }
  }

  @Test
  void honoursRetryAfterOn429() {
    failFirst(aResponse().withStatus(429).withHeader("Retry-After", "1"));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(sleeper.waits()).as("exactly the wait asked for").contains(Duration.ofSeconds(1));
    assertThat(sleeper.waits())
        .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(1)));
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(backfillRequests() + 1);
    assertThat(requests.requests()).filteredOn(r -> r.endsWith(" 429")).hasSize(1);
  }

  @Test
  void retriesServerErrors() {
    failFirst(aResponse().withStatus(502));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(backfillRequests() + 1);
    assertThat(sleeper.waits())
        .as("one backoff with jitter: half to all of 500 ms")
        .anySatisfy(w -> assertThat(w).isBetween(Duration.ofMillis(250), Duration.ofMillis(500)));
  }

  @Test
  void unauthorizedSurfacesWithoutARetryStorm() {
    vendor.stubFor(firstPage().atPriority(1).willReturn(aResponse().withStatus(401)));
    try (SyncHarness h = harness()) {
      Map<String, Duration> failed = h.syncAll();
      assertThat(failed.get(mainStream())).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
      assertThat(h.lastError(mainStream())).startsWith("auth: HTTP 401");
      assertThat(h.state(mainStream()).cursor().isStart()).isTrue();
    }
    assertThat(
            vendor.findAll(
                com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.like(
                    firstPage().build().getRequest())))
        .hasSize(1);
  }

  @Test
  void garbageDoesNotAdvanceTheCursor() {
    failFirst(aResponse().withStatus(200).withBody("<html>Service Unavailable</html>"));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).containsKey(mainStream());
      assertThat(h.lastError(mainStream())).startsWith("bad_response: ");
      assertThat(h.state(mainStream()).cursor().isStart()).isTrue();
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
  }

  @Test
  void truncatedJsonDoesNotAdvanceTheCursor() {
    failFirst(
        aResponse()
            .withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"tickets\":[{\"id\":1"));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).containsKey(mainStream());
      assertThat(h.state(mainStream()).cursor().isStart()).isTrue();
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
  }

  @Test
  void jsonNestedTenThousandDeepIsABadResponseThatDoesNotAdvanceTheCursor() {
    failFirst(okJson("{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).containsKey(mainStream());
      assertThat(h.lastError(mainStream())).startsWith("bad_response: ").contains("nesting 64");
      assertThat(h.errors(mainStream(), "bad_response")).isEqualTo(1.0);
      assertThat(h.state(mainStream()).cursor().isStart()).isTrue();
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
  }

  @Test
  void aRestartResumesFromTheStoredCursorWithoutReReading() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
      assertThat(h.transitions).as("nothing new: nothing counted").isEmpty();
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl())))
        .as("one caught-up probe per stream")
        .hasSize(restartRequests());
  }

  private static Map<String, String> errors(SyncHarness h, Set<String> streams) {
    Map<String, String> out = new java.util.TreeMap<>();
    streams.forEach(s -> out.put(s, h.lastError(s)));
    return out;
  }

  @Test
  void aLookupAnswering404NeverBlocksTheStream() {
    lookupFailsAndTheStreamGoesOn(aResponse().withStatus(404), "permanent");
  }

  @Test
  void aLookupAnswering500NeverBlocksTheStream() {
    lookupFailsAndTheStreamGoesOn(aResponse().withStatus(500), "transient");
  }

  /**
   * Every stream catches up with ids for names; each failed lookup is reported once and asked once
   * (no retries, no reload per record).
   */
  private void lookupFailsAndTheStreamGoesOn(ResponseDefinitionBuilder fault, String kind) {
    stubLookupsFailing(vendor, fault);
    try (SyncHarness h = harness()) {
      Map<String, Duration> failed = h.syncAll();
      assertThat(failed)
          .as(() -> "no stream waits for a lookup: " + errors(h, failed.keySet()))
          .isEmpty();
      assertThat(h.state(mainStream()).backfillDone()).isTrue();
      assertThat(backlog(h.snapshot(), source())).isEqualTo(expectedBacklog());
    }
    assertThat(requests.lookupFailures())
        .as("each failure reported")
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f).endsWith(" " + kind));
    String code = fault.build().getStatus() + "";
    List<String> failedAsks =
        requests.requests().stream().filter(r -> r.endsWith(" " + code)).toList();
    assertThat(failedAsks)
        .as("each failing lookup asked once: no retry, no reload per record")
        .isNotEmpty()
        .doesNotHaveDuplicates();
  }

  @Test
  void aHangingLookupDelaysTheStreamByAtMostOneTimeout() {
    stubLookupsFailing(
        vendor, okJson("{}").withFixedDelay((int) LOOKUP_TIMEOUT.multipliedBy(5).toMillis()));
    ConnectorContext short_ =
        new ConnectorContext(
            clock, requests, sleeper, new RequestLimits(4, Duration.ofSeconds(60), LOOKUP_TIMEOUT));
    try (SyncHarness h = harness(connector(vendor.baseUrl(), short_))) {
      long t0 = System.nanoTime();
      assertThat(h.sync(mainStream())).as("the main stream caught up").isNull();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(h.state(mainStream()).backfillDone()).isTrue();
      // one timeout for the lookups, plus the local pages (generous: a shared CI machine); a
      // retry, or each lookup waiting for its own timeout, would take 3 timeouts or more
      assertThat(took)
          .as(() -> "requests " + requests.requests())
          .isLessThan(LOOKUP_TIMEOUT.multipliedBy(3));
      assertThat(h.syncAll()).as("the other streams catch up too").isEmpty();
      assertThat(backlog(h.snapshot(), source())).isEqualTo(expectedBacklog());
    }
    assertThat(requests.lookupFailures()).isNotEmpty();
    assertThat(requests.requests().stream().filter(r -> r.endsWith(" timeout")))
        .as("one lookup waited for its timeout; the others were not asked")
        .hasSize(1);
  }

  /**
   * While the lookups fail the records carry the vendor's ids (the labels read them); once they
   * answer again, a minute later, the next pass names them through the same connector, every failed
   * lookup reports its recovery (so it leaves the status page's failing lookups) and none fails
   * again.
   */
  @Test
  void aFailedLookupHealsOnceItAnswers() {
    Connector c = connector(vendor.baseUrl(), ctx());
    stubLookupsFailing(vendor, aResponse().withStatus(500));
    List<LookedUp> fields = lookedUpFields();
    try (SyncHarness h = new SyncHarness(dir.resolve("failing"), c, clock)) {
      for (String stream : streamsReadWhileLookupsFail()) {
        assertThat(h.sync(stream)).as(() -> stream + ": " + h.lastError(stream)).isNull();
      }
      assertLookedUp(h, fields, LookedUp::failing, LookedUp::healed);
    }
    List<String> failures = requests.lookupFailures();
    assertThat(failures).isNotEmpty();
    assertThat(requests.lookupRecoveries()).isEmpty();
    vendor.resetAll();
    stubBackfill(vendor);
    clock.set(clock.instant().plus(HEAL_AFTER)); // a failed lookup rests a minute
    try (SyncHarness h = new SyncHarness(dir.resolve("healed"), c, clock)) {
      Map<String, Duration> failed = h.syncAll();
      assertThat(failed).as(() -> "errors: " + errors(h, failed.keySet())).isEmpty();
      assertBackfilledKpis(h.snapshot()); // names, not ids, in the labels
      assertLookedUp(h, fields, LookedUp::healed, LookedUp::failing);
    }
    assertThat(requests.lookupFailures()).as("none failed again").isEqualTo(failures);
    assertThat(requests.lookupRecoveries())
        .as("every failed lookup reports its recovery")
        .containsAll(failures.stream().map(f -> f.substring(0, f.indexOf(' '))).toList());
  }

  /**
   * Each looked-up field reads {@code is} in its record, and its group in the KPI labels reads
   * {@code is} ({@code none} for null) where no series has {@code isNot}.
   */
  private void assertLookedUp(
      SyncHarness h,
      List<LookedUp> fields,
      java.util.function.Function<LookedUp, String> is,
      java.util.function.Function<LookedUp, String> isNot) {
    assertThat(fields).isNotEmpty();
    Map<String, io.cxexporter.model.Ticket> tickets = new java.util.HashMap<>();
    h.store.forEach(
        source(),
        (stream, r) -> {
          if (stream.equals(mainStream()) && r instanceof io.cxexporter.model.Ticket t) {
            tickets.put(t.id(), t);
          }
        });
    KpiSnapshot s = h.snapshot();
    for (LookedUp f : fields) {
      io.cxexporter.model.Ticket t = tickets.get(f.id());
      assertThat(t).as("record %s", f.id()).isNotNull();
      String value =
          switch (f.field()) {
            case "group" -> t.group();
            case "assignee" -> t.assignee();
            default -> throw new IllegalArgumentException(f.field());
          };
      assertThat(value).as("%s of %s", f.field(), f.id()).isEqualTo(is.apply(f));
      if (f.field().equals("group")) {
        List<String> groups =
            s.series().stream().map(x -> x.label("group")).filter(g -> g != null).toList();
        assertThat(groups)
            .as("group labels")
            .contains(java.util.Objects.requireNonNullElse(is.apply(f), "none"))
            .doesNotContain(java.util.Objects.requireNonNullElse(isNot.apply(f), "none"));
      }
    }
  }
}
