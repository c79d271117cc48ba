package io.cxexporter.connector.hubspot;

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
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * The {@code hubspot} connector: tickets, feedback submissions (NPS, CSAT, CES), companies as
 * customers (churn, retention, MRR) and deals (conversion), each read with the CRM search endpoint
 * sorted by {@code hs_lastmodifieddate}.
 *
 * <pre>{@code
 * - name: hs
 *   type: hubspot
 *   token: "${HUBSPOT_TOKEN}"            # a private app's access token, or token_file: /run/secrets/hs
 *   backfill: 90d
 *   streams: [tickets, feedback_submissions, companies, deals]
 *   stage_statuses: {"Waiting on contact": pending, "New": new}
 *   churn_date_property: churned_on      # default: the lifecycle stage leaving "customer"
 *   mrr_property: mrr
 *   search_requests_per_second: 4
 *   portal_id: "12345678"                # the Hub ID, for ticket links in alerts
 * }</pre>
 */
public final class HubspotConnectorFactory implements ConnectorFactory<HubspotOptions> {
  static final String DEFAULT_BASE = "https://api.hubapi.com";

  /** The stream names, in reading order. */
  static final List<String> STREAMS =
      List.of(Search.TICKETS, Search.FEEDBACK, Search.COMPANIES, Search.DEALS);

  /** HubSpot's internal property names: lower case, digits and underscores. */
  private static final Pattern PROPERTY = Pattern.compile("[a-z0-9_]+");

  /**
   * HubSpot's headers: the remaining requests of the rolling ten-second window and its size; it
   * sends no reset time (the interval header is the window's length, not when it ends).
   */
  static final RateLimitHeaders HEADERS =
      new RateLimitHeaders(
          List.of("x-hubspot-ratelimit-remaining"), List.of("x-hubspot-ratelimit-max"), List.of());

  @Override
  public String type() {
    return "hubspot";
  }

  @Override
  public HubspotOptions parse(Settings s) {
    String name = s.string("name", "hubspot");
    HttpUrl base =
        s.has("base_url")
            ? CommonOptions.baseUrl(s, DEFAULT_BASE)
            : HttpUrl.get(DEFAULT_BASE + "/");
    Duration backfill = s.duration("backfill", CommonOptions.DEFAULT_BACKFILL);
    Optional<Secret> token = s.secret("token");
    if (token.isEmpty() && !s.has("token") && !s.has("token_file")) {
      s.problem("token", "required (or token_file): a private app's access token");
    }
    Set<String> streams = new LinkedHashSet<>(STREAMS);
    if (s.has("streams")) {
      List<String> named = s.strings("streams");
      streams.clear();
      for (String v : named) {
        if (STREAMS.contains(v)) {
          streams.add(v);
        } else {
          s.problem(
              "streams", "expected some of " + String.join(", ", STREAMS) + ", got \"" + v + "\"");
        }
      }
      if (named.isEmpty()) {
        s.problem("streams", "must name at least one of " + String.join(", ", STREAMS));
      }
    }
    int limit = s.intValue("limit", 200, 1, 200);
    int maxResults = s.intValue("max_results_per_query", 10_000, 1, 10_000);
    if (maxResults < limit) {
      s.problem(
          "max_results_per_query", "must be at least limit (" + limit + "), got " + maxResults);
    }
    int perSecond = CommonOptions.budget(s, "search_requests_per_second", 4, 100);
    Duration overlap = CommonOptions.overlap(s);
    Map<String, TicketStatus> stageStatuses = CommonOptions.statuses(s, "stage_statuses");
    String churn = property(s, "churn_date_property");
    String mrr = property(s, "mrr_property");
    String portal = s.string("portal_id", null);
    if (portal != null && !portal.matches("\\d+")) {
      s.problem("portal_id", "expected the account's numeric Hub ID, got \"" + portal + "\"");
      portal = null;
    }
    Auth auth = token.isPresent() ? Auth.bearer(token.get()) : Auth.NONE;
    HttpSettings http = HttpSettings.read(s);
    return new HubspotOptions(
        new CommonOptions(name, base, backfill),
        auth,
        streams,
        limit,
        maxResults,
        perSecond,
        overlap,
        stageStatuses,
        churn,
        mrr,
        portal,
        http);
  }

  /** An optional property name; a problem unless it is a HubSpot internal name. */
  private static String property(Settings s, String key) {
    String v = s.string(key, null);
    if (v != null && !PROPERTY.matcher(v).matches()) {
      s.problem(
          key, "expected a property's internal name (lower case, digits, _), got \"" + v + "\"");
      return null;
    }
    return v;
  }

  @Override
  public Connector create(HubspotOptions o, ConnectorContext ctx) {
    HttpUrl base = o.common().baseUrl();
    // One budget for every search endpoint: HubSpot counts them together, per token.
    EndpointLimit search =
        new EndpointLimit(o.searchRequestsPerSecond(), Duration.ofSeconds(1), ctx.clock());
    ApiClient.Builder b = ApiClient.builder(o.http(), ctx).auth(o.auth()).rateLimitHeaders(HEADERS);
    for (String stream : STREAMS) {
      b.limit(Search.endpoint(stream), search);
    }
    ApiClient api = b.build();
    Directory dir = new Directory(api.forLookups(), base, ctx.clock(), ctx.requests());
    Search.Reading settings =
        new Search.Reading(
            api,
            base,
            ctx.clock(),
            o.common().backfill(),
            o.overlap(),
            o.limit(),
            o.pagesPerQuery());
    List<Stream> streams = new ArrayList<>();
    for (String stream : STREAMS) {
      if (!o.streams().contains(stream)) {
        continue;
      }
      streams.add(
          switch (stream) {
            case Search.TICKETS -> Search.tickets(settings, dir, o.stageStatuses());
            case Search.FEEDBACK -> Search.feedback(settings);
            case Search.COMPANIES ->
                new CompaniesStream(settings, o.churnDateProperty(), o.mrrProperty());
            case Search.DEALS -> Search.deals(settings, dir);
            default -> throw new IllegalStateException("unknown stream " + stream);
          });
    }
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> {
          api.get(
              Directory.OWNERS,
              base.newBuilder()
                  .addPathSegments("crm/v3/owners")
                  .addQueryParameter("limit", "1")
                  .build());
          return CheckResult.ok("the token reads the CRM");
        },
        id ->
            o.portalId() == null
                ? null
                : "https://app.hubspot.com/contacts/" + o.portalId() + "/ticket/" + id);
  }
}
