package io.cxexporter.connector.httpjson;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Ticket;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.TestConnectors;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A made-up API unlike Freshdesk: the key in the query string, records under {@code $.data}, page
 * numbers from 0, an epoch-seconds {@code since}, a stream read page by page.
 */
class GenericApiTest {
  WireMockServer vendor;
  MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-18T13:00:00Z"));

  @BeforeEach
  void start() {
    vendor = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    vendor.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  Connector connector() {
    return TestConnectors.of(new HttpJsonConnectorFactory())
        .with("base_url", vendor.baseUrl())
        .with("auth", Map.of("query", Map.of("name", "api_key", "value", "k-SECRET")))
        .with("backfill", "1d")
        .with(
            "streams",
            Map.of(
                "tickets",
                Map.of(
                    "path", "/v1/cases",
                    "records", "$.data[*]",
                    "paginate", Map.of("page", Map.of("param", "p", "start", 0, "size", 2)),
                    "since",
                        Map.of(
                            "param",
                            "changed_after",
                            "field",
                            "$.changed",
                            "format",
                            "epoch_s",
                            "overlap",
                            "0s"),
                    "map",
                        Map.of(
                            "id", "$.ref",
                            "created_at", "$.opened",
                            "status", Map.of("path", "$.state", "values", Map.of("o", "open"))))))
        .build(new ConnectorContext(clock));
  }

  static String page(int first, String... ids) {
    StringBuilder b = new StringBuilder("{\"data\":[");
    for (int i = 0; i < ids.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"ref\":\"")
          .append(ids[i])
          .append("\",\"opened\":1795000000,\"changed\":")
          .append(1795000000 + first + i)
          .append(",\"state\":\"o\"}");
    }
    return b.append("]}").toString();
  }

  @Test
  void pagesByNumberWithTheKeyInTheQueryAndEpochSince() throws Exception {
    String since = Long.toString(java.time.Instant.parse("2026-11-17T13:00:00Z").getEpochSecond());
    vendor.stubFor(
        get(urlPathEqualTo("/v1/cases"))
            .withQueryParam("api_key", equalTo("k-SECRET"))
            .withQueryParam("changed_after", equalTo(since))
            .withQueryParam("p", equalTo("0"))
            .willReturn(okJson(page(0, "a", "b"))));
    vendor.stubFor(
        get(urlPathEqualTo("/v1/cases"))
            .withQueryParam("api_key", equalTo("k-SECRET"))
            .withQueryParam("p", equalTo("1"))
            .willReturn(okJson(page(2, "c"))));
    Stream tickets = connector().streams().get(0);
    Page p1 = tickets.read(Cursor.START);
    assertThat(p1.records()).extracting(r -> ((Ticket) r).id()).containsExactly("a", "b");
    assertThat(p1.caughtUp()).isFalse();
    Page p2 = tickets.read(p1.next());
    assertThat(p2.records()).extracting(r -> ((Ticket) r).id()).containsExactly("c");
    assertThat(p2.caughtUp()).isTrue();
    assertThat(p2.next().value())
        .as("the last (newest: the list is sorted by change) record's time, overlap 0s")
        .containsPattern("since=1795000002;seen=c");
    vendor.verify(
        2,
        getRequestedFor(urlPathEqualTo("/v1/cases"))
            .withQueryParam("api_key", equalTo("k-SECRET")));
    vendor.verify(0, getRequestedFor(urlPathEqualTo("/v1/cases")).withQueryParam("p", absent()));
  }

  @Test
  void aRejectedKeyNeverShowsInTheMessage() {
    vendor.stubFor(get(urlPathEqualTo("/v1/cases")).willReturn(aResponse().withStatus(401)));
    Connector c = connector();
    assertThatThrownBy(() -> c.streams().get(0).read(Cursor.START))
        .hasMessageContaining("401")
        .hasMessageNotContaining("k-SECRET");
    assertThat(c.check().message()).contains("401").doesNotContain("k-SECRET");
  }
}
