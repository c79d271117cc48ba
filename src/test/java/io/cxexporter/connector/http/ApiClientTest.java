package io.cxexporter.connector.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.cxexporter.config.Secret;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.util.HttpClients;
import io.cxexporter.util.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiClientTest {
  WireMockServer vendor;
  final List<String> codes = Collections.synchronizedList(new ArrayList<>());
  final List<Double> remaining = Collections.synchronizedList(new ArrayList<>());
  final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
  final RequestListener listener =
      new RequestListener() {
        @Override
        public void onRequest(String endpoint, String code, Duration latency) {
          codes.add(endpoint + " " + code);
        }

        @Override
        public void onRateLimitRemaining(double r) {
          remaining.add(r);
        }

        @Override
        public void onCredits(String endpoint, double c) {
          credits.add(endpoint + " " + c);
        }
      };
  final List<String> credits = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    vendor = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    vendor.start();
  }

  @AfterEach
  void stop() {
    vendor.stop();
  }

  ApiClient client(Sleeper sleeper) {
    return ApiClient.builder(HttpSettings.DEFAULTS, listener, Clock.systemUTC())
        .auth(Auth.basic("ops@acme.example/token", new Secret("tok-SECRET")))
        .sleeper(sleeper)
        .build();
  }

  ApiClient recording() {
    return client(slept::add);
  }

  HttpUrl url(String path) {
    return HttpUrl.get(vendor.baseUrl() + path);
  }

  @Test
  void sendsAuthAndParsesJson() throws Exception {
    vendor.stubFor(
        get(urlPathEqualTo("/api/v2/users/me")).willReturn(okJson("{\"user\":{\"id\":7}}")));

    ApiResponse r = recording().get("users/me", url("/api/v2/users/me"));

    assertThat(r.body().at("/user/id").asInt()).isEqualTo(7);
    vendor.verify(
        getRequestedFor(urlPathEqualTo("/api/v2/users/me"))
            .withHeader(
                "Authorization",
                equalTo(okhttp3.Credentials.basic("ops@acme.example/token", "tok-SECRET"))));
    assertThat(codes).containsExactly("users/me 200");
  }

  @Test
  void retries5xxWithBackoffAndJitter() throws Exception {
    vendor.stubFor(
        get("/t")
            .inScenario("s")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(502))
            .willSetStateTo("second"));
    vendor.stubFor(
        get("/t")
            .inScenario("s")
            .whenScenarioStateIs("second")
            .willReturn(aResponse().withStatus(500))
            .willSetStateTo("third"));
    vendor.stubFor(get("/t").inScenario("s").whenScenarioStateIs("third").willReturn(okJson("{}")));

    recording().get("t", url("/t"));

    assertThat(codes).containsExactly("t 502", "t 500", "t 200");
    assertThat(slept).hasSize(2);
    assertThat(slept.get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(slept.get(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
  }

  @Test
  void gives5xxUpAfterMaxAttemptsAsTransient() {
    vendor.stubFor(get("/t").willReturn(aResponse().withStatus(503 - 1)));

    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> recording().get("t", url("/t")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.TRANSIENT);
    assertThat(e).hasMessage("HTTP 502 from t after 4 attempts");
    assertThat(codes).hasSize(4);
  }

  @Test
  void honoursRetryAfterOn429() throws Exception {
    vendor.stubFor(
        get("/t")
            .inScenario("s")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
            .willSetStateTo("ok"));
    vendor.stubFor(get("/t").inScenario("s").whenScenarioStateIs("ok").willReturn(okJson("{}")));

    recording().get("t", url("/t"));

    assertThat(slept).containsExactly(Duration.ofSeconds(1));
    assertThat(codes).containsExactly("t 429", "t 200");
  }

  @Test
  void aLongRetryAfterIsHandedToTheSyncLoop() {
    vendor.stubFor(
        get("/t").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")));

    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> recording().get("t", url("/t")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(600));
    assertThat(codes).containsExactly("t 429");
    assertThat(slept).isEmpty();
  }

  @Test
  void unauthorizedIsNotRetriedAndHidesTheCredentials() {
    vendor.stubFor(
        get(urlPathEqualTo("/t"))
            .willReturn(
                aResponse().withStatus(401).withBody("{\"error\":\"Couldn't authenticate you\"}")));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> recording().get("t", url("/t?token=x")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.AUTH);
    assertThat(e).hasMessage("HTTP 401 from t: credentials rejected");
    assertThat(e.getMessage()).doesNotContain("SECRET").doesNotContain("token=");
    assertThat(codes).containsExactly("t 401");
    assertThat(slept).isEmpty();
  }

  @Test
  void otherClientErrorsArePermanent() {
    vendor.stubFor(get("/t").willReturn(aResponse().withStatus(404)));
    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> recording().get("t", url("/t")));
    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.PERMANENT);
    assertThat(codes).containsExactly("t 404");
  }

  @Test
  void garbageAndTruncatedJsonAreBadResponses() {
    vendor.stubFor(
        get("/garbage").willReturn(aResponse().withStatus(200).withBody("<html>oops</html>")));
    vendor.stubFor(
        get("/cut").willReturn(aResponse().withStatus(200).withBody("{\"tickets\":[{\"id\":1},")));

    ConnectorException g =
        catchThrowableOfType(ConnectorException.class, () -> recording().get("g", url("/garbage")));
    ConnectorException c =
        catchThrowableOfType(ConnectorException.class, () -> recording().get("c", url("/cut")));

    assertThat(g.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
    assertThat(g.getMessage()).startsWith("malformed JSON from g");
    assertThat(c.kind()).isEqualTo(ConnectorException.Kind.BAD_RESPONSE);
  }

  @Test
  void connectionErrorsAreRetriedThenTransient() {
    vendor.stubFor(get("/t").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> recording().get("t", url("/t")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.TRANSIENT);
    assertThat(codes).containsExactly("t error", "t error", "t error", "t error");
    assertThat(slept).hasSize(3);
  }

  @Test
  void aLowBudgetSlowsTheNextRequestUntilTheReset() throws Exception {
    vendor.stubFor(
        get("/t")
            .willReturn(
                okJson("{}")
                    .withHeader("ratelimit-limit", "700")
                    .withHeader("ratelimit-remaining", "3")
                    .withHeader("ratelimit-reset", "7")));
    ApiClient api = recording();

    api.get("t", url("/t"));
    assertThat(slept).isEmpty();
    api.get("t", url("/t"));

    assertThat(remaining).containsExactly(3.0, 3.0);
    assertThat(slept)
        .singleElement()
        .satisfies(d -> assertThat(d).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(7)));
  }

  static final String LIMIT_EXCEEDED =
      "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]";

  /** Salesforce's and Zendesk's rules together, as their factories would set them. */
  ApiClient withPolicy() {
    return ApiClient.builder(HttpSettings.DEFAULTS, listener, Clock.systemUTC())
        .auth(Auth.basic("ops@acme.example/token", new Secret("tok-SECRET")))
        .sleeper(slept::add)
        .errors(
            ErrorPolicy.builder()
                .bodyContains(403, "REQUEST_LIMIT_EXCEEDED", ErrorPolicy.Action.RATE_LIMITED)
                .endpoint("slas/policies", 403, ErrorPolicy.Action.FEATURE_UNAVAILABLE)
                .build())
        .build();
  }

  @Test
  void aForbiddenRateLimitBodyWaitsForRetryAfterAndRetries() throws Exception {
    vendor.stubFor(
        get("/q")
            .inScenario("s")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Retry-After", "7")
                    .withHeader("Content-Type", "application/json")
                    .withBody(LIMIT_EXCEEDED))
            .willSetStateTo("ok"));
    vendor.stubFor(get("/q").inScenario("s").whenScenarioStateIs("ok").willReturn(okJson("{}")));

    withPolicy().get("query", url("/q"));

    assertThat(codes).containsExactly("query 403", "query 200");
    assertThat(slept).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void aForbiddenRateLimitBodyThatPersistsIsRateLimitedLikeA429() {
    vendor.stubFor(get("/q").willReturn(aResponse().withStatus(403).withBody(LIMIT_EXCEEDED)));

    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> withPolicy().get("query", url("/q")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.RATE_LIMITED);
    assertThat(e).hasMessage("HTTP 403 from query: rate limited");
    assertThat(codes).hasSize(4);
    assertThat(slept).hasSize(3);
  }

  @Test
  void aForbiddenWithAnotherBodyIsStillAuth() {
    vendor.stubFor(
        get("/q")
            .willReturn(
                aResponse().withStatus(403).withBody("[{\"errorCode\":\"INSUFFICIENT_ACCESS\"}]")));

    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> withPolicy().get("query", url("/q")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.AUTH);
    assertThat(codes).containsExactly("query 403");
    assertThat(slept).isEmpty();
  }

  @Test
  void aForbiddenFeatureEndpointIsUnavailableWithoutRetry() {
    vendor.stubFor(get("/api/v2/slas/policies.json").willReturn(aResponse().withStatus(403)));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class,
            () -> withPolicy().get("slas/policies", url("/api/v2/slas/policies.json")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.FEATURE_UNAVAILABLE);
    assertThat(e).hasMessage("HTTP 403 from slas/policies: not available for this account");
    assertThat(codes).containsExactly("slas/policies 403");
    assertThat(slept).isEmpty();
  }

  @Test
  void theFeatureRuleHoldsForItsEndpointOnly() {
    vendor.stubFor(get("/api/v2/groups.json").willReturn(aResponse().withStatus(403)));

    ConnectorException e =
        catchThrowableOfType(
            ConnectorException.class, () -> withPolicy().get("groups", url("/api/v2/groups.json")));

    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.AUTH);
  }

  @Test
  void aRuleSeesTheStartOfTheErrorBodyOnly() {
    vendor.stubFor(get("/t").willReturn(aResponse().withStatus(400).withBody("x".repeat(10_000))));
    List<String> seen = new ArrayList<>();
    ApiClient api =
        ApiClient.builder(HttpSettings.DEFAULTS, listener, Clock.systemUTC())
            .errors(
                ErrorPolicy.builder()
                    .when(
                        a -> {
                          seen.add(a.body());
                          return false;
                        },
                        ErrorPolicy.Action.RETRY)
                    .build())
            .build();

    ConnectorException e =
        catchThrowableOfType(ConnectorException.class, () -> api.get("t", url("/t")));

    assertThat(e.kind())
        .as("no rule matched: the standard table")
        .isEqualTo(ConnectorException.Kind.PERMANENT);
    assertThat(seen).singleElement().satisfies(b -> assertThat(b).hasSize(4096));
  }

  @Test
  void anAuthThatTalksHttpGetsTheSharedPoolTheListenerAndTheClock() {
    List<Object> given = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    Auth capturing =
        new Auth() {
          @Override
          public void apply(okhttp3.Request.Builder request) {}

          @Override
          public Auth forClient(OkHttpClient http, RequestListener l, Clock c) {
            given.addAll(List.of(http, l, c));
            return this;
          }
        };

    ApiClient.builder(HttpSettings.DEFAULTS, listener, clock).auth(capturing).build();

    assertThat(given).hasSize(3);
    OkHttpClient http = (OkHttpClient) given.get(0);
    assertThat(http.connectionPool()).isSameAs(HttpClients.shared().connectionPool());
    assertThat(http.dispatcher()).isSameAs(HttpClients.shared().dispatcher());
    assertThat(http.readTimeoutMillis()).isEqualTo(30_000);
    assertThat(given.subList(1, 3)).containsExactly(listener, clock);
  }

  @Test
  void countsCreditsFromTheVendorsHeaderElseTheDeclaredCostElseNothing() throws Exception {
    vendor.stubFor(
        get("/stats").willReturn(okJson("[]").withHeader("X-RateLimit-Used-CurrentRequest", "5")));
    vendor.stubFor(get("/list").willReturn(okJson("[]")));
    vendor.stubFor(get("/gone").willReturn(aResponse().withStatus(404)));
    RateLimitHeaders freshdesk =
        new RateLimitHeaders(
            List.of("x-ratelimit-remaining"),
            List.of("x-ratelimit-total"),
            List.of(),
            List.of("x-ratelimit-used-currentrequest"));
    ApiClient metered =
        ApiClient.builder(HttpSettings.DEFAULTS, listener, Clock.systemUTC())
            .sleeper(slept::add)
            .rateLimitHeaders(freshdesk)
            .cost("stats", 3)
            .cost("list", 3)
            .defaultCost(1)
            .build();

    metered.get("stats", url("/stats"));
    metered.get("list", url("/list"));
    metered.get("other", url("/list"));
    catchThrowableOfType(ConnectorException.class, () -> metered.get("gone", url("/gone")));
    recording().get("plain", url("/list"));

    assertThat(credits)
        .as("the header wins; an error answer is charged too; a client without costs reports none")
        .containsExactly("stats 5.0", "list 3.0", "other 1.0", "gone 1.0");
  }
}
