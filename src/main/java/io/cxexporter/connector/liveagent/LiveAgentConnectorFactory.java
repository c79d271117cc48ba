package io.cxexporter.connector.liveagent;

import io.cxexporter.config.Secret;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.EndpointLimit;
import io.cxexporter.connector.http.ErrorPolicy;
import io.cxexporter.connector.http.HttpConnector;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.connector.http.Request;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The {@code liveagent} connector (API v3): tickets with their status history (first response,
 * reopens), deleted and spam tickets as tombstones, CSAT from the customers' rankings.
 *
 * <pre>{@code
 * - name: la
 *   type: liveagent
 *   base_url: https://acme.ladesk.com   # the account; /api/v3 is added
 *   api_key: "${LIVEAGENT_API_KEY}"     # or api_key_file: /run/secrets/liveagent
 *   backfill: 90d
 *   requests_per_minute: 180            # the key's limit, shared by every endpoint
 *   messages_per_page: 25               # CSAT: solved tickets whose messages one page reads
 *   overlap: 1m
 * }</pre>
 */
public final class LiveAgentConnectorFactory implements ConnectorFactory<LiveAgentOptions> {
  /** Every date LiveAgent returns is rendered in UTC when this header says offset 0. */
  static final String TIMEZONE_OFFSET = "Timezone-Offset";

  static final String PING = "ping";

  @Override
  public String type() {
    return "liveagent";
  }

  @Override
  public LiveAgentOptions parse(Settings s) {
    CommonOptions common = CommonOptions.read(s, "liveagent", "https://acme.ladesk.com");
    Optional<Secret> key = s.secret("api_key");
    if (key.isEmpty() && !s.has("api_key") && !s.has("api_key_file")) {
      s.problem("api_key", "required (or api_key_file)");
    }
    int perPage = s.intValue("per_page", 100, 1, 500);
    int historyPerPage = s.intValue("history_per_page", 500, 1, 1000);
    int perMinute = CommonOptions.budget(s, "requests_per_minute", 180, 1000);
    int messagesPerPage = s.intValue("messages_per_page", 25, 1, 100);
    Duration overlap = CommonOptions.overlap(s);
    Auth auth = key.isPresent() ? apiKey(key.get()) : Auth.NONE;
    HttpSettings http = HttpSettings.read(s);
    return new LiveAgentOptions(
        common, auth, perPage, historyPerPage, perMinute, messagesPerPage, overlap, http);
  }

  /** The {@code apikey} header, and {@code Timezone-Offset: 0} on every request. */
  static Auth apiKey(Secret key) {
    return b -> {
      b.header("apikey", key.reveal());
      b.header(TIMEZONE_OFFSET, "0");
    };
  }

  /** The API root: the account URL plus {@code api/v3} (kept when already there). */
  static HttpUrl apiRoot(HttpUrl account) {
    List<String> segments = account.pathSegments().stream().filter(p -> !p.isEmpty()).toList();
    int n = segments.size();
    if (n >= 2 && segments.get(n - 2).equals("api") && segments.get(n - 1).equals("v3")) {
      return account;
    }
    return account.newBuilder().addPathSegments("api/v3").build();
  }

  @Override
  public Connector create(LiveAgentOptions o, ConnectorContext ctx) {
    HttpUrl account = o.common().baseUrl();
    HttpUrl base = apiRoot(account);
    // one budget for the key: 180 requests a minute whatever the endpoint, no rate-limit headers
    EndpointLimit key =
        new EndpointLimit(o.requestsPerMinute(), Duration.ofMinutes(1), ctx.clock());
    ApiClient.Builder b =
        ApiClient.builder(o.http(), ctx)
            .auth(o.auth())
            // a key without the right to read messages: CSAT's lookup fails, tickets go on
            .errors(
                ErrorPolicy.builder()
                    .endpoint(RatingsStream.ENDPOINT, 403, ErrorPolicy.Action.FEATURE_UNAVAILABLE)
                    .endpoint(
                        TicketsStream.TICKET_HISTORY_ENDPOINT,
                        403,
                        ErrorPolicy.Action.FEATURE_UNAVAILABLE)
                    .build());
    for (String endpoint :
        List.of(
            PING,
            TicketsStream.ENDPOINT,
            TicketsStream.HISTORY_ENDPOINT,
            TicketsStream.TICKET_HISTORY_ENDPOINT,
            RatingsStream.LIST_ENDPOINT,
            RatingsStream.ENDPOINT,
            Directory.DEPARTMENTS,
            Directory.AGENTS)) {
      b.limit(endpoint, key);
    }
    ApiClient api = b.build();
    Directory names = new Directory(api.forLookups(), base, ctx.clock(), ctx.requests());
    HistoryBook book = new HistoryBook();
    List<Stream> streams =
        List.of(
            new TicketsStream(api, base, ctx.clock(), o, names, book, ctx.requests()),
            new RatingsStream(api, base, ctx.clock(), o, ctx.requests()));
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> {
          api.send(PING, Request.get(base, "ping"));
          return CheckResult.ok("API key accepted (ping)");
        },
        id ->
            account
                .newBuilder()
                .addPathSegments("agent/")
                .fragment("Conversation;id=" + id)
                .build()
                .toString());
  }
}
