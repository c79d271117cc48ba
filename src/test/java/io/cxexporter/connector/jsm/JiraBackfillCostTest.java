package io.cxexporter.connector.jsm;

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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.sync.SyncHarness;
import io.cxexporter.testing.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a backfill of 350 issues costs in requests, with Jira returning fewer issues than asked on
 * one page (100, 60, 100, 90 while {@code maxResults=100}): the pages follow {@code nextPageToken},
 * not the count.
 */
class JiraBackfillCostTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int[] PAGE_SIZES = {100, 60, 100, 90};
  static final DateTimeFormatter JIRA =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);
  static final String SEARCH = "/rest/api/3/search/jql";
  @TempDir Path dir;
  WireMockServer vendor;
  final MutableClock clock = MutableClock.at("2026-11-18T13:00:00Z");
  Instant newest;

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
    vendor.stubFor(
        get(urlPathEqualTo("/rest/api/3/field"))
            .willReturn(okJson(JiraServiceManagementConnectorTest.fixture("fields.json"))));
    Instant t0 = clock.instant().minusSeconds(20 * 86400);
    int i = 0;
    for (int p = 0; p < PAGE_SIZES.length; p++) {
      ObjectNode page = JSON.createObjectNode();
      ArrayNode issues = page.putArray("issues");
      for (int k = 0; k < PAGE_SIZES[p]; k++, i++) {
        Instant created = t0.plusSeconds(i * 3600L);
        newest = created.plusSeconds(60);
        ObjectNode issue = issues.addObject();
        issue.put("id", Integer.toString(20000 + i));
        issue.put("key", "SD-" + (i + 1));
        ObjectNode f = issue.putObject("fields");
        f.put("created", JIRA.format(created));
        f.put("updated", JIRA.format(newest));
        boolean open = i % 3 == 0;
        f.putObject("status")
            .put("name", open ? "In Progress" : "Resolved")
            .putObject("statusCategory")
            .put("key", open ? "indeterminate" : "done");
        if (!open) {
          f.put("resolutiondate", JIRA.format(created.plusSeconds(7200)));
        }
        f.putObject("priority").put("name", "Medium");
        f.putObject("customfield_10010").putObject("requestType").put("name", "RT" + i % 4);
      }
      if (p < PAGE_SIZES.length - 1) {
        page.put("nextPageToken", "t" + (p + 1));
      }
      page.put("isLast", p == PAGE_SIZES.length - 1);
      var stub = get(urlPathEqualTo(SEARCH)).withQueryParam("maxResults", equalTo("100"));
      stub =
          p == 0
              ? stub.withQueryParam("nextPageToken", absent())
              : stub.withQueryParam("nextPageToken", equalTo("t" + p));
      vendor.stubFor(stub.willReturn(okJson(page.toString())));
    }
    // the next pass, from the newest update minus 5 minutes: nothing changed since
    vendor.stubFor(
        get(urlPathEqualTo(SEARCH))
            .withQueryParam("jql", equalTo(restartJql()))
            .atPriority(1)
            .willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
  }

  /** The newest update minus 5 minutes, rounded down to the minute. */
  String restartJql() {
    String since =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC)
            .format(newest.minusSeconds(300));
    return "project in (SD) AND updated >= \"" + since + "\" ORDER BY updated ASC";
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  SyncHarness harness() {
    return new SyncHarness(
        dir,
        JiraServiceManagementConnectorTest.builder(vendor.baseUrl())
            .with("max_results", 100)
            .build(new ConnectorContext(clock)),
        clock);
  }

  @Test
  void aBackfillCostsItsPagesPlusTheFieldListAndARestartTwoRequests() {
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
      double open =
          h.snapshot().find("tickets_open", Map.of("source", "vendor")).stream()
              .mapToDouble(KpiSeries::value)
              .sum();
      assertThat(open).isEqualTo(117); // i % 3 == 0 for i < 350
    }
    // 1 field list + 4 search pages (350 issues; the short page of 60 did not end the pass)
    assertThat(vendor.findAll(anyRequestedFor(anyUrl()))).hasSize(1 + 4);
    vendor.resetRequests();
    try (SyncHarness h = harness()) {
      assertThat(h.syncAll()).isEmpty();
    }
    // the field list again (a new process) and one search from the watermark
    List<LoggedRequest> all = vendor.findAll(anyRequestedFor(anyUrl()));
    assertThat(all).hasSize(2);
    List<LoggedRequest> search = vendor.findAll(getRequestedFor(urlPathEqualTo(SEARCH)));
    assertThat(search.get(0).queryParameter("jql").firstValue()).isEqualTo(restartJql());
  }
}
