package io.cxexporter.connector;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every connector owes the exporter, against a WireMock stand-in for the vendor: auth
 * sent, pagination consumed to the end, {@code 429} + {@code Retry-After} honoured, 5xx retried,
 * 401 surfaced without a retry storm, garbage and truncated JSON never advancing the cursor, a
 * restart resuming from the stored cursor, a record seen twice counted once, deleted records
 * leaving the backlog. A vendor's test extends it and supplies its stubs and exact KPIs.
 */
public abstract class ConnectorContractTest {
  protected WireMockServer vendor;
  @TempDir protected Path dir;
  protected MutableClock clock;

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
    return connector(vendor.baseUrl(), new ConnectorContext(clock)).streams().size();
  }

  /** Open tickets after the backfill (deleted ones excluded, each ticket once). */
  protected abstract int expectedBacklog();

  @BeforeEach
  void startVendor() {
    clock = MutableClock.at(now());
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    stubBackfill(vendor);
  }

  @AfterEach
  void stopVendor() {
    vendor.stop();
  }

  protected SyncHarness harness() {
    return new SyncHarness(dir, connector(vendor.baseUrl(), new ConnectorContext(clock)), clock);
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
      assertThat(backlog(h.snapshot(), "vendor")).isEqualTo(expectedBacklog());
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(backfillRequests());
  }

  @Test
  void honoursRetryAfterOn429() {
    failFirst(aResponse().withStatus(429).withHeader("Retry-After", "1"));
    long t0 = System.nanoTime();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(backfillRequests() + 1);
  }

  @Test
  void retriesServerErrors() {
    failFirst(aResponse().withStatus(502));
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      assertBackfilledKpis(h.snapshot());
    }
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(backfillRequests() + 1);
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
}
