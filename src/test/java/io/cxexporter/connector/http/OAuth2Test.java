package io.cxexporter.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.cxexporter.config.Secret;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorException.Kind;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.RecordingRequests;
import io.cxexporter.util.HttpClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OAuth2 against a WireMock token endpoint and API: caching, expiry, 401s, rotation, errors. */
class OAuth2Test {
  static final String TOKEN = "/oauth/token";
  static final Secret CLIENT_SECRET = new Secret("cs-SECRET");
  static final Secret REFRESH_TOKEN = new Secret("rt-SECRET-1");

  final MutableClock clock = MutableClock.at("2026-11-18T12:00:00Z");
  final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  final RecordingRequests listener = new RecordingRequests();
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

  HttpUrl tokenUrl() {
    return HttpUrl.get(vendor.baseUrl() + TOKEN);
  }

  OAuth2 clientCredentials() {
    return OAuth2.clientCredentials(tokenUrl(), "app-1", CLIENT_SECRET, "mailbox.read");
  }

  OAuth2 refreshGrant() {
    return OAuth2.refreshToken(tokenUrl(), "app-1", CLIENT_SECRET, REFRESH_TOKEN);
  }

  ApiClient client(Auth auth) {
    return ApiClient.builder(HttpSettings.DEFAULTS, listener, clock)
        .auth(auth)
        .sleeper(slept::add)
        .build();
  }

  HttpUrl api() {
    return HttpUrl.get(vendor.baseUrl() + "/t");
  }

  static ResponseDefinitionBuilder token(String access, long expiresIn) {
    return okJson(
        "{\"token_type\":\"bearer\",\"access_token\":\""
            + access
            + "\",\"expires_in\":"
            + expiresIn
            + "}");
  }

  /** The token endpoint answers these in turn; the last one repeats. */
  void tokenAnswers(ResponseDefinitionBuilder... answers) {
    for (int i = 0; i < answers.length; i++) {
      ScenarioMappingBuilder m =
          post(urlPathEqualTo(TOKEN))
              .inScenario("token")
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i)
              .willReturn(answers[i]);
      if (i + 1 < answers.length) {
        m = m.willSetStateTo("answer " + (i + 1));
      }
      vendor.stubFor(m);
    }
  }

  /** The API accepts these access tokens as {@code scheme token} and answers 401 to any other. */
  void apiAccepts(String scheme, String... tokens) {
    vendor.stubFor(
        get(urlPathEqualTo("/t")).atPriority(10).willReturn(aResponse().withStatus(401)));
    for (String t : tokens) {
      vendor.stubFor(
          get(urlPathEqualTo("/t"))
              .atPriority(1)
              .withHeader("Authorization", equalTo(scheme + " " + t))
              .willReturn(okJson("{}")));
    }
  }

  List<String> apiAuthorizations() {
    return vendor.findAll(getRequestedFor(urlPathEqualTo("/t"))).stream()
        .map(r -> r.getHeader("Authorization"))
        .toList();
  }

  int tokenRequests() {
    return vendor.findAll(postRequestedFor(urlPathEqualTo(TOKEN))).size();
  }

  @Test
  void aTokenIsFetchedOnceAndReusedForManyRequests() throws Exception {
    tokenAnswers(token("at-1", 3600));
    apiAccepts("Bearer", "at-1");
    ApiClient api = client(clientCredentials());

    for (int i = 0; i < 3; i++) {
      api.get("t", api());
    }

    vendor.verify(
        1,
        postRequestedFor(urlPathEqualTo(TOKEN))
            .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
            .withFormParam("grant_type", equalTo("client_credentials"))
            .withFormParam("client_id", equalTo("app-1"))
            .withFormParam("client_secret", equalTo("cs-SECRET"))
            .withFormParam("scope", equalTo("mailbox.read")));
    assertThat(apiAuthorizations()).containsExactly("Bearer at-1", "Bearer at-1", "Bearer at-1");
    assertThat(listener.requests()).containsExactly("oauth/token 200", "t 200", "t 200", "t 200");
  }

  @Test
  void aTokenIsRefreshedBeforeItExpires() throws Exception {
    tokenAnswers(token("at-1", 3600), token("at-2", 3600));
    apiAccepts("Bearer", "at-1", "at-2");
    ApiClient api = client(clientCredentials());

    api.get("t", api());
    clock.advance(Duration.ofSeconds(3600 - 360 - 1)); // 10% of an hour is left, and a second
    api.get("t", api());
    clock.advance(Duration.ofSeconds(1));
    api.get("t", api());

    assertThat(apiAuthorizations()).containsExactly("Bearer at-1", "Bearer at-1", "Bearer at-2");
    assertThat(tokenRequests()).isEqualTo(2);
  }

  @Test
  void theRefreshMarginIsTheLargerOfAMinuteAndATenthButAtMostHalf() {
    assertThat(TokenSession.margin(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(6));
    assertThat(TokenSession.margin(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(1));
    assertThat(TokenSession.margin(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aTokenWithoutExpiresInIsUsedUntilA401() throws Exception {
    tokenAnswers(okJson("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\"}"));
    apiAccepts("Bearer", "at-1");
    ApiClient api = client(clientCredentials());

    api.get("t", api());
    clock.advance(Duration.ofDays(30));
    api.get("t", api());

    assertThat(tokenRequests()).isEqualTo(1);
  }

  @Test
  void a401DropsTheTokenAndRetriesOnceWithANewOne() throws Exception {
    tokenAnswers(token("at-1", 3600), token("at-2", 3600));
    apiAccepts("Bearer", "at-2");

    client(clientCredentials()).get("t", api());

    assertThat(listener.requests())
        .containsExactly("oauth/token 200", "t 401", "oauth/token 200", "t 200");
    assertThat(apiAuthorizations()).containsExactly("Bearer at-1", "Bearer at-2");
    assertThat(slept).isEmpty();
  }

  @Test
  void aSecond401IsAuthWithoutAStorm() {
    tokenAnswers(token("at-1", 3600), token("at-2", 3600), token("at-3", 3600));
    apiAccepts("Bearer");

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(clientCredentials()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e).hasMessage("HTTP 401 from t: credentials rejected");
    assertThat(listener.requests())
        .containsExactly("oauth/token 200", "t 401", "oauth/token 200", "t 401");
    assertThat(slept).isEmpty();
  }

  @Test
  void aRotatedRefreshTokenIsSentNextTime() throws Exception {
    tokenAnswers(
        okJson("{\"access_token\":\"at-1\",\"expires_in\":3600,\"refresh_token\":\"rt-SECRET-2\"}"),
        token("at-2", 3600));
    apiAccepts("Bearer", "at-1", "at-2");
    ApiClient api = client(refreshGrant());

    api.get("t", api());
    clock.advance(Duration.ofHours(1));
    api.get("t", api());

    List<LoggedRequest> asked = vendor.findAll(postRequestedFor(urlPathEqualTo(TOKEN)));
    assertThat(asked).hasSize(2);
    assertThat(asked.get(0).formParameters().get("refresh_token").firstValue())
        .isEqualTo("rt-SECRET-1");
    assertThat(asked.get(1).formParameters().get("refresh_token").firstValue())
        .isEqualTo("rt-SECRET-2");
    assertThat(asked.get(1).formParameters().get("grant_type").firstValue())
        .isEqualTo("refresh_token");
  }

  @Test
  void invalidGrantIsAuthNamingTheEndpointAndTheCode() {
    tokenAnswers(
        aResponse()
            .withStatus(400)
            .withBody(
                "{\"error\":\"invalid_grant\",\"error_description\":\"expired: rt-SECRET-1\"}"));
    apiAccepts("Bearer", "at-1");

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(refreshGrant()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e)
        .hasMessage(
            "OAuth2 token endpoint "
                + vendor.baseUrl()
                + TOKEN
                + " rejected the client: HTTP 400 invalid_grant");
    assertThat(listener.requests()).containsExactly("oauth/token 400");
  }

  @Test
  void anErrorInA200AnswerIsAuth() {
    tokenAnswers(okJson("{\"error\":\"invalid_code\"}")); // Zoho's accounts server does this
    apiAccepts("Bearer", "at-1");

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(refreshGrant()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).endsWith(" rejected the client: HTTP 200 invalid_code");
  }

  @Test
  void tokenEndpointOutagesAreTransientWithTheirRetryAfter() {
    tokenAnswers(aResponse().withStatus(503).withHeader("Retry-After", "30"));
    apiAccepts("Bearer", "at-1");

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(clientCredentials()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.getMessage()).endsWith(TOKEN + ": HTTP 503");
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
    assertThat(listener.requests()).containsExactly("oauth/token 503");
  }

  @Test
  void connectionErrorsAtTheTokenEndpointAreTransient() {
    tokenAnswers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(clientCredentials()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(listener.requests()).containsExactly("oauth/token error");
  }

  @Test
  void anAnswerWithoutAnAccessTokenIsABadResponse() {
    tokenAnswers(aResponse().withStatus(200).withBody("<html>login</html>"));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(clientCredentials()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).endsWith(TOKEN + ": HTTP 200 without a JSON object");
  }

  @Test
  void redirectsAreNotFollowedWithTheSecret() {
    tokenAnswers(aResponse().withStatus(307).withHeader("Location", "http://127.0.0.1:9/steal"));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> client(clientCredentials()).get("t", api()));

    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).endsWith(TOKEN + ": HTTP 307 (redirects are not followed)");
  }

  @Test
  void secretsAppearInNoMessageAndNoToString() {
    List<String> seen = new ArrayList<>();
    List<ResponseDefinitionBuilder> answers =
        List.of(
            aResponse()
                .withStatus(401)
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"cs-SECRET\"}"),
            aResponse().withStatus(400).withBody("{\"error\":\"rt-SECRET-1 is bad\"}"),
            okJson("{\"error\":\"cs-SECRET\"}"),
            aResponse().withStatus(500).withBody("rt-SECRET-1 cs-SECRET"),
            aResponse().withStatus(200).withBody("{\"echo\":\"rt-SECRET-1\"}"));
    for (ResponseDefinitionBuilder a : answers) {
      vendor.resetAll();
      tokenAnswers(a);
      ConnectorException e =
          catchThrowableOfType(
              ConnectorException.class, () -> client(refreshGrant()).get("t", api()));
      seen.add(e.getMessage());
    }
    seen.add(refreshGrant().toString());
    seen.add(refreshGrant().forClient(HttpClients.shared(), listener, clock).toString());
    seen.add(clientCredentials().basicClientAuth().toString());

    assertThat(seen).hasSize(8).allSatisfy(m -> assertThat(m).doesNotContain("SECRET"));
    assertThat(seen.get(5)).isEqualTo("OAuth2(refresh_token, " + tokenUrl() + ", client_id=app-1)");
  }

  @Test
  void concurrentStreamsShareOneTokenRequest() throws Exception {
    tokenAnswers(token("at-1", 3600).withFixedDelay(300));
    apiAccepts("Bearer", "at-1");
    ApiClient api = client(clientCredentials());
    int streams = 6;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    try {
      List<Future<ApiResponse>> done = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        Callable<ApiResponse> read =
            () -> {
              go.await();
              return api.get("t", api());
            };
        done.add(pool.submit(read));
      }
      go.countDown();
      for (Future<ApiResponse> f : done) {
        assertThat(f.get().code()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(tokenRequests()).isEqualTo(1);
    assertThat(apiAuthorizations()).hasSize(streams).containsOnly("Bearer at-1");
  }

  @Test
  void basicClientAuthSendsTheClientAsAHeaderNotAsFormFields() throws Exception {
    tokenAnswers(token("at-1", 3600));
    apiAccepts("Bearer", "at-1");

    client(clientCredentials().basicClientAuth()).get("t", api());

    vendor.verify(
        postRequestedFor(urlPathEqualTo(TOKEN))
            .withHeader("Authorization", equalTo(Credentials.basic("app-1", "cs-SECRET")))
            .withFormParam("grant_type", equalTo("client_credentials"))
            .withRequestBody(notContaining("client_secret"))
            .withRequestBody(notContaining("client_id")));
  }

  @Test
  void theTokenIsSentWithTheVendorsScheme() throws Exception {
    tokenAnswers(token("at-1", 3600));
    apiAccepts("Zoho-oauthtoken", "at-1");

    client(refreshGrant().scheme("Zoho-oauthtoken")).get("t", api());

    assertThat(apiAuthorizations()).containsExactly("Zoho-oauthtoken at-1");
  }
}
