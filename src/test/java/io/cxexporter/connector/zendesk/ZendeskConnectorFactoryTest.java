package io.cxexporter.connector.zendesk;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.testing.TestConnectors;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZendeskConnectorFactoryTest {
  static List<String> problems(Map<String, Object> block) {
    return TestConnectors.of(new ZendeskConnectorFactory()).with(block).problems();
  }

  @Test
  void baseUrlAndAuthAreRequired() {
    assertThat(problems(Map.of("name", "zd", "type", "zendesk")))
        .containsExactly(
            "connectors[0].base_url: required",
            "connectors[0].auth: required: {email, token} or {oauth_token}");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThat(
            problems(
                Map.of(
                    "name",
                    "zd",
                    "type",
                    "zendesk",
                    "base_url",
                    "acme.zendesk.com",
                    "auth",
                    Map.of("email", "ops@acme.example"),
                    "per_page",
                    5000,
                    "timeouts",
                    Map.of("read", "0"))))
        .containsExactly(
            "connectors[0].base_url: expected an http(s) URL like https://acme.zendesk.com, got \"acme.zendesk.com\"",
            "connectors[0].auth: needs email and token (or token_file), or oauth_token (or oauth_token_file)",
            "connectors[0].per_page: must be between 1 and 1000, got 5000",
            "connectors[0].timeouts.read: must be greater than 0");
  }

  @Test
  void oauthTokensAreSentAsBearer() throws Exception {
    WireMockServer zd = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    zd.start();
    try {
      zd.stubFor(
          get(urlPathEqualTo("/api/v2/users/me.json"))
              .willReturn(okJson("{\"user\":{\"role\":\"agent\"}}")));
      Problems p = new Problems();
      Settings s =
          Settings.root(
                  Map.of(
                      "connectors",
                      List.of(
                          Map.of(
                              "name",
                              "zd",
                              "type",
                              "zendesk",
                              "base_url",
                              zd.baseUrl(),
                              "auth",
                              Map.of("oauth_token", "oa-TOKEN")))),
                  p,
                  k -> null,
                  Path.of("."))
              .objects("connectors")
              .get(0);
      ZendeskConnectorFactory f = new ZendeskConnectorFactory();
      ZendeskOptions o = f.parse(s);
      assertThat(p.messages()).isEmpty();
      Connector c = f.create(o, new ConnectorContext(Clock.systemUTC()));

      assertThat(c.check().message())
          .isEqualTo("signed in with role agent; the incremental export needs an admin");
      zd.verify(
          getRequestedFor(urlPathEqualTo("/api/v2/users/me.json"))
              .withHeader("Authorization", equalTo("Bearer oa-TOKEN")));
    } finally {
      zd.stop();
    }
  }
}
