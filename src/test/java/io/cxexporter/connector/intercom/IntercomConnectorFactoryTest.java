package io.cxexporter.connector.intercom;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.testing.TestConnectors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Parsing an {@code intercom} block: problems name their key, secrets never show, defaults. */
class IntercomConnectorFactoryTest {
  static List<String> problems(Map<String, Object> block) {
    return TestConnectors.of(new IntercomConnectorFactory()).with(block).problems();
  }

  @Test
  void theTokenIsRequired() {
    assertThat(problems(Map.of("name", "ic", "type", "intercom")))
        .containsExactly("connectors[0].token: required (an access token, or token_file)");
  }

  @Test
  void badValuesNameTheirKeyAndNeverTheSecret() {
    List<String> problems =
        problems(
            Map.of(
                "name", "ic",
                "type", "intercom",
                "base_url", "api.intercom.io",
                "token", "tok-SECRET",
                "api_version", "v2",
                "per_page", 500,
                "overlap", "2h",
                "tickets", "sometimes",
                "app_id", "acme workspace"));
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "connectors[0].base_url: expected an http(s) URL like https://api.intercom.io, got"
                + " \"api.intercom.io\"",
            "connectors[0].api_version: expected an Intercom API version like 2.14 (or Unstable),"
                + " got \"v2\"",
            "connectors[0].per_page: must be between 1 and 150, got 500",
            "connectors[0].overlap: expected 0s to 1h, got PT2H",
            "connectors[0].tickets: expected true or false, got \"sometimes\"",
            "connectors[0].app_id: expected a workspace id like ecahpwf5, got \"acme workspace\"")
        .noneSatisfy(m -> assertThat(m).contains("tok-SECRET"));
  }

  @Test
  void tokenAndTokenFileAtOnceIsAProblem() {
    assertThat(
            problems(
                Map.of(
                    "name", "ic",
                    "type", "intercom",
                    "token", "tok-SECRET",
                    "token_file", "/run/secrets/intercom")))
        .containsExactly(
            "connectors[0].token: set either token or token_file, not both",
            "connectors[0].token_file: cannot read file /run/secrets/intercom"
                + " (NoSuchFileException)");
  }

  @Test
  void aVersionBefore210IsRefusedWithTheYamlFloatTrapExplained() {
    // YAML reads an unquoted 2.10 as the number 2.1
    assertThat(
            problems(Map.of("name", "ic", "type", "intercom", "token", "t", "api_version", 2.10)))
        .containsExactly(
            "connectors[0].api_version: expected 2.10 or later (the ticket search and the fields"
                + " read here), got \"2.1\"; quote it in YAML: an unquoted 2.10 is read as 2.1");
    assertThat(
            TestConnectors.of(new IntercomConnectorFactory())
                .with("token", "t")
                .with("api_version", "2.10")
                .options()
                .apiVersion())
        .isEqualTo("2.10");
  }

  @Test
  void defaults() {
    IntercomOptions o =
        TestConnectors.of(new IntercomConnectorFactory()).with("token", "t").options();
    assertThat(o.common().baseUrl()).isEqualTo(HttpUrl.get("https://api.intercom.io"));
    assertThat(o.common().backfill()).isEqualTo(Duration.ofDays(90));
    assertThat(o.apiVersion()).isEqualTo("2.14");
    assertThat(o.perPage()).isEqualTo(150);
    assertThat(o.overlap()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.tickets()).isFalse();
    assertThat(o.appId()).isNull();
  }

  @Test
  void regionsVersionsAndOptions() {
    IntercomOptions o =
        TestConnectors.of(new IntercomConnectorFactory())
            .with("token", "t")
            .with("base_url", "https://api.eu.intercom.io")
            .with("api_version", "Unstable")
            .with("per_page", 50)
            .with("overlap", "5m")
            .with("tickets", true)
            .with("app_id", "ecahpwf5")
            .options();
    assertThat(o.common().baseUrl().host()).isEqualTo("api.eu.intercom.io");
    assertThat(o.apiVersion()).isEqualTo("Unstable");
    assertThat(o.perPage()).isEqualTo(50);
    assertThat(o.overlap()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.tickets()).isTrue();
    assertThat(o.appId()).isEqualTo("ecahpwf5");
  }

  @Test
  void anInboxLinkOnceTheWorkspaceIsKnown() {
    HttpUrl base = HttpUrl.get("https://api.intercom.io");
    assertThat(IntercomConnectorFactory.inboxUrl("ecahpwf5", base, "215"))
        .isEqualTo("https://app.intercom.com/a/apps/ecahpwf5/inbox/inbox/all/conversations/215");
    assertThat(IntercomConnectorFactory.inboxUrl(null, base, "215"))
        .isEqualTo("https://api.intercom.io/conversations/215");
    assertThat(IntercomConnectorFactory.inboxUrl("ecahpwf5", base, "ticket-1295"))
        .isEqualTo("https://api.intercom.io/tickets/1295");
  }
}
