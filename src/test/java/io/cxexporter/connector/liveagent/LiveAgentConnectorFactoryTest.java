package io.cxexporter.connector.liveagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.testing.TestConnectors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Parsing a {@code liveagent} block: problems name their key, secrets never show. */
class LiveAgentConnectorFactoryTest {
  static List<String> problems(Map<String, Object> block) {
    return TestConnectors.of(new LiveAgentConnectorFactory()).with(block).problems();
  }

  @Test
  void baseUrlAndApiKeyAreRequired() {
    assertThat(problems(Map.of("name", "la", "type", "liveagent")))
        .containsExactly(
            "connectors[0].base_url: required",
            "connectors[0].api_key: required (or api_key_file)");
  }

  @Test
  void badValuesNameTheirKeyAndNeverTheSecret() {
    List<String> problems =
        problems(
            Map.of(
                "name",
                "la",
                "type",
                "liveagent",
                "base_url",
                "acme.ladesk.com",
                "api_key",
                "key-SECRET",
                "per_page",
                501,
                "history_per_page",
                0,
                "requests_per_minute",
                0,
                "messages_per_page",
                101,
                "overlap",
                "2h"));
    assertThat(problems)
        .hasSize(6)
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo(
                        "connectors[0].base_url: expected an http(s) URL like"
                            + " https://acme.ladesk.com, got \"acme.ladesk.com\""))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].per_page: "))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].history_per_page: "))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].requests_per_minute: "))
        .anySatisfy(m -> assertThat(m).startsWith("connectors[0].messages_per_page: "))
        .anySatisfy(
            m -> assertThat(m).isEqualTo("connectors[0].overlap: expected 0s to 1h, got PT2H"))
        .noneSatisfy(m -> assertThat(m).contains("key-SECRET"));
  }

  @Test
  void defaults() {
    LiveAgentOptions o =
        TestConnectors.of(new LiveAgentConnectorFactory())
            .with("base_url", "https://acme.ladesk.com")
            .with("api_key", "key-SECRET")
            .options();
    assertThat(o.perPage()).isEqualTo(100);
    assertThat(o.historyPerPage()).isEqualTo(500);
    assertThat(o.requestsPerMinute()).isEqualTo(180);
    assertThat(o.messagesPerPage()).isEqualTo(25);
    assertThat(o.overlap()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.common().backfill()).isEqualTo(Duration.ofDays(90));
    assertThat(o.toString()).doesNotContain("key-SECRET");
  }

  @Test
  void theApiRootIsTheAccountPlusApiV3OnlyOnce() {
    assertThat(LiveAgentConnectorFactory.apiRoot(HttpUrl.get("https://acme.ladesk.com")))
        .hasToString("https://acme.ladesk.com/api/v3");
    assertThat(LiveAgentConnectorFactory.apiRoot(HttpUrl.get("https://acme.ladesk.com/api/v3/")))
        .hasToString("https://acme.ladesk.com/api/v3/");
  }
}
