package io.cxexporter.connector.freshdesk;

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
import io.cxexporter.connector.http.HttpConnector;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.connector.http.RateLimitHeaders;
import io.cxexporter.connector.http.StreamSequence;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The {@code freshdesk} connector: tickets (with {@code include=stats}), deleted and spam tickets
 * from the ticket list, CSAT from satisfaction ratings.
 *
 * <pre>{@code
 * - name: fd
 *   type: freshdesk
 *   base_url: https://acme.freshdesk.com
 *   api_key: "${FRESHDESK_API_KEY}"      # or api_key_file: /run/secrets/freshdesk
 *   backfill: 90d
 *   list_requests_per_minute: 20         # the plan's list sub-limit (Growth 20, Pro 100)
 *   overlap: 1m                          # each poll re-reads this much before the last ticket
 *   custom_statuses: {"Waiting on Customer": pending}
 * }</pre>
 */
public final class FreshdeskConnectorFactory implements ConnectorFactory<FreshdeskOptions> {
  /**
   * Freshdesk's headers: remaining credits, the minute's total, the credits of this request; no
   * reset header.
   */
  static final RateLimitHeaders HEADERS =
      new RateLimitHeaders(
          List.of("x-ratelimit-remaining"),
          List.of("x-ratelimit-total"),
          List.of(),
          List.of("x-ratelimit-used-currentrequest"));

  /** A ticket list page with {@code include=stats}: 1 credit plus 2 for the stats. */
  static final double TICKETS_WITH_STATS_CREDITS = 3;

  @Override
  public String type() {
    return "freshdesk";
  }

  @Override
  public FreshdeskOptions parse(Settings s) {
    CommonOptions common = CommonOptions.read(s, "freshdesk", "https://acme.freshdesk.com");
    Optional<Secret> key = s.secret("api_key");
    if (key.isEmpty() && !s.has("api_key") && !s.has("api_key_file")) {
      s.problem("api_key", "required (or api_key_file)");
    }
    int perPage = s.intValue("per_page", 100, 1, 100);
    int listPerMinute = CommonOptions.budget(s, "list_requests_per_minute", 20, 1000);
    int maxPages = s.intValue("max_pages_per_query", 300, 2, 300);
    Duration overlap = CommonOptions.overlap(s);
    Map<String, TicketStatus> custom = CommonOptions.statuses(s, "custom_statuses");
    Auth auth = key.isPresent() ? Auth.basic(key.get().reveal(), new Secret("X")) : Auth.NONE;
    HttpSettings http = HttpSettings.read(s);
    return new FreshdeskOptions(
        common, auth, perPage, listPerMinute, maxPages, overlap, custom, http);
  }

  @Override
  public Connector create(FreshdeskOptions o, ConnectorContext ctx) {
    HttpUrl base = o.common().baseUrl();
    // One budget for the three ticket lists: Freshdesk's "Tickets List" sub-limit counts them all.
    EndpointLimit listLimit =
        new EndpointLimit(o.listRequestsPerMinute(), Duration.ofMinutes(1), ctx.clock());
    ApiClient api =
        ApiClient.builder(o.http(), ctx)
            .auth(o.auth())
            .rateLimitHeaders(HEADERS)
            .limit(TicketsStream.ENDPOINT, listLimit)
            .limit(TicketsStream.DELETED_ENDPOINT, listLimit)
            .limit(TicketsStream.SPAM_ENDPOINT, listLimit)
            // when an answer lacks X-RateLimit-Used-CurrentRequest; every other call costs 1
            .cost(TicketsStream.ENDPOINT, TICKETS_WITH_STATS_CREDITS)
            .defaultCost(1)
            .build();
    Duration backfill = o.common().backfill();
    Directory dir = new Directory(api.forLookups(), base, ctx.clock(), ctx.requests());
    TicketsStream.Lists lists =
        new TicketsStream.Lists(
            api, base, ctx.clock(), backfill, o.overlap(), o.perPage(), o.maxPagesPerQuery());
    // deleted and spam tickets are tombstones stored under "tickets", so they remove the ticket
    java.util.LinkedHashMap<String, Stream> ticketLists = new java.util.LinkedHashMap<>();
    ticketLists.put("live", TicketsStream.create(lists, dir, o.customStatuses()));
    ticketLists.put(
        "deleted", TicketsStream.filtered("deleted", TicketsStream.DELETED_ENDPOINT, lists));
    ticketLists.put("spam", TicketsStream.filtered("spam", TicketsStream.SPAM_ENDPOINT, lists));
    List<Stream> streams =
        List.of(
            StreamSequence.of("tickets", ticketLists),
            RatingsStream.create(api, base, dir, ctx.clock(), backfill, o.perPage()));
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> {
          api.get("agents/me", base.newBuilder().addPathSegments("api/v2/agents/me").build());
          return CheckResult.ok("signed in as an agent");
        },
        id -> base.newBuilder().addPathSegments("a/tickets").addPathSegment(id).toString());
  }
}
