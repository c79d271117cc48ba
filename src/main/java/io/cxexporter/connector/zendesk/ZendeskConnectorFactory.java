package io.cxexporter.connector.zendesk;

import static io.cxexporter.connector.http.ErrorPolicy.Action.FEATURE_UNAVAILABLE;

import io.cxexporter.config.Secret;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.EndpointLimit;
import io.cxexporter.connector.http.ErrorPolicy;
import io.cxexporter.connector.http.HttpConnector;
import io.cxexporter.connector.http.HttpSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The {@code zendesk} connector: tickets from the incremental export with Zendesk's own metrics,
 * CSAT from satisfaction ratings, and SLA clocks from ticket metric events.
 *
 * <pre>{@code
 * - name: zd
 *   type: zendesk
 *   base_url: https://acme.zendesk.com
 *   auth: {email: ops@acme.example, token: "${ZENDESK_TOKEN}"}   # or {oauth_token_file: ...}
 *   backfill: 90d
 *   per_page: 1000
 *   export_requests_per_minute: 10      # 30 with the High Volume API add-on
 *   sla_resolution_metric: resolution_time   # or requester_wait_time, agent_work_time
 * }</pre>
 */
public final class ZendeskConnectorFactory implements ConnectorFactory<ZendeskOptions> {
  /** Zendesk SLA metrics that may stand for the resolution target. */
  static final List<String> RESOLUTION_METRICS =
      List.of("resolution_time", "requester_wait_time", "agent_work_time");

  @Override
  public String type() {
    return "zendesk";
  }

  @Override
  public ZendeskOptions parse(Settings s) {
    CommonOptions common = CommonOptions.read(s, "zendesk", "https://acme.zendesk.com");
    int beforeAuth = s.problems().messages().size();
    Settings a = s.object("auth");
    if (!s.has("auth")) {
      s.problem("auth", "required: {email, token} or {oauth_token}");
    }
    Optional<Secret> oauth = a.secret("oauth_token");
    String email = a.string("email", null);
    Optional<Secret> token = a.secret("token");
    if (s.has("auth")
        && oauth.isEmpty()
        && (email == null || token.isEmpty())
        && s.problems().messages().size() == beforeAuth) {
      a.problem(
          null, "needs email and token (or token_file), or oauth_token (or oauth_token_file)");
    }
    int perPage = s.intValue("per_page", 1000, 1, 1000);
    int exportPerMinute = CommonOptions.budget(s, "export_requests_per_minute", 10, 1000);
    String resolutionMetric = s.string("sla_resolution_metric", "resolution_time");
    if (!RESOLUTION_METRICS.contains(resolutionMetric)) {
      s.problem(
          "sla_resolution_metric",
          "expected one of "
              + String.join(", ", RESOLUTION_METRICS)
              + ", got \""
              + resolutionMetric
              + "\"");
    }
    Auth auth =
        oauth.isPresent()
            ? Auth.bearer(oauth.get())
            : token.isPresent() ? Auth.basic(email + "/token", token.get()) : Auth.NONE;
    HttpSettings http = HttpSettings.read(s);
    return new ZendeskOptions(common, auth, perPage, exportPerMinute, resolutionMetric, http);
  }

  @Override
  public Connector create(ZendeskOptions o, ConnectorContext ctx) {
    HttpUrl base = o.common().baseUrl();
    // One budget for both exports: Zendesk counts incremental export requests together.
    EndpointLimit exports =
        new EndpointLimit(o.exportRequestsPerMinute(), Duration.ofMinutes(1), ctx.clock());
    ApiClient api =
        ApiClient.builder(o.http(), ctx)
            .auth(o.auth())
            .errors(
                ErrorPolicy.builder()
                    .endpoint(Directory.SLA_POLICIES, 403, FEATURE_UNAVAILABLE)
                    .build())
            .limit(TicketsStream.ENDPOINT, exports)
            .limit(SlaEventsStream.ENDPOINT, exports)
            .build();
    Duration backfill = o.common().backfill();
    Directory dir = new Directory(api.forLookups(), base, ctx.clock(), ctx.requests());
    List<Stream> streams =
        List.of(
            TicketsStream.create(api, base, dir, ctx.clock(), backfill, o.perPage()),
            RatingsStream.create(api, base, dir, ctx.clock(), backfill),
            new SlaEventsStream(api, base, dir, ctx.clock(), backfill, o.slaResolutionMetric()));
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> check(api, base),
        id -> base.newBuilder().addPathSegments("agent/tickets").addPathSegment(id).toString());
  }

  /** Zendesk's probe: the incremental export needs an admin token. */
  private static CheckResult check(ApiClient api, HttpUrl base) throws ConnectorException {
    var me =
        api.get("users/me", base.newBuilder().addPathSegments("api/v2/users/me.json").build())
            .body()
            .path("user");
    String role = me.path("role").asText("?");
    return role.equals("admin")
        ? CheckResult.ok("signed in as an admin")
        : CheckResult.failed(
            "signed in with role " + role + "; the incremental export needs an admin");
  }
}
