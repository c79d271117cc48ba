package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.cxexporter.connector.http.ErrorPolicy;
import io.cxexporter.connector.http.HttpConnector;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.connector.http.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * The {@code intercom} connector: conversations from the conversation search, with Intercom's own
 * business-hours reply and close times, CSAT from the conversation rating and the SLA summary; with
 * {@code tickets: true} also Back-office and Tracker tickets from the ticket search.
 *
 * <pre>{@code
 * - name: intercom
 *   type: intercom
 *   base_url: https://api.intercom.io      # default; api.eu.intercom.io, api.au.intercom.io
 *   token: "${INTERCOM_TOKEN}"             # or token_file: /run/secrets/intercom
 *   api_version: "2.14"                    # the Intercom-Version header
 *   backfill: 90d
 *   per_page: 150
 *   overlap: 1m
 *   tickets: false                         # true: Back-office and Tracker tickets too
 * }</pre>
 */
public final class IntercomConnectorFactory implements ConnectorFactory<IntercomOptions> {
  private static final Pattern VERSION = Pattern.compile("\\d{1,3}\\.\\d{1,3}|Unstable");
  private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_]+");

  @Override
  public String type() {
    return "intercom";
  }

  @Override
  public IntercomOptions parse(Settings s) {
    String name = s.string("name", "intercom");
    HttpUrl base =
        s.has("base_url")
            ? CommonOptions.baseUrl(s, IntercomApi.DEFAULT_BASE_URL)
            : HttpUrl.get(IntercomApi.DEFAULT_BASE_URL);
    Duration backfill = s.duration("backfill", CommonOptions.DEFAULT_BACKFILL);
    CommonOptions common = new CommonOptions(name, base, backfill);
    Optional<Secret> token = s.secret("token");
    if (token.isEmpty() && !s.has("token") && !s.has("token_file")) {
      s.problem("token", "required (an access token, or token_file)");
    }
    String version = s.string("api_version", IntercomApi.DEFAULT_VERSION);
    if (!VERSION.matcher(version).matches()) {
      s.problem(
          "api_version",
          "expected an Intercom API version like "
              + IntercomApi.DEFAULT_VERSION
              + " (or Unstable), got \""
              + version
              + "\"");
    } else if (!supported(version)) {
      s.problem(
          "api_version",
          "expected 2.10 or later (the ticket search and the fields read here), got \""
              + version
              + "\"; quote it in YAML: an unquoted 2.10 is read as 2.1");
    }
    int perPage = s.intValue("per_page", 150, 1, 150);
    Duration overlap = CommonOptions.overlap(s);
    boolean tickets = s.bool("tickets", false);
    String appId = s.string("app_id", null);
    if (appId != null && !APP_ID.matcher(appId).matches()) {
      s.problem("app_id", "expected a workspace id like ecahpwf5, got \"" + appId + "\"");
    }
    Auth auth = token.isPresent() ? Auth.bearer(token.get()) : Auth.NONE;
    HttpSettings http = HttpSettings.read(s);
    return new IntercomOptions(common, auth, version, perPage, overlap, tickets, appId, http);
  }

  @Override
  public Connector create(IntercomOptions o, ConnectorContext ctx) {
    HttpUrl base = o.common().baseUrl();
    ApiClient api =
        ApiClient.builder(o.http(), ctx)
            .auth(o.auth())
            .rateLimitHeaders(IntercomApi.HEADERS)
            // a workspace without tickets: the tickets stream reads none, the token is fine
            .errors(
                ErrorPolicy.builder()
                    .endpoint(TicketsStream.ENDPOINT, 404, ErrorPolicy.Action.FEATURE_UNAVAILABLE)
                    .endpoint(TicketsStream.ENDPOINT, 403, ErrorPolicy.Action.FEATURE_UNAVAILABLE)
                    .build())
            .build();
    Directory dir =
        new Directory(api.forLookups(), base, o.apiVersion(), ctx.clock(), ctx.requests());
    List<Stream> streams = new ArrayList<>();
    streams.add(new ConversationsStream(api, base, dir, ctx.clock(), o));
    if (o.tickets()) {
      streams.add(new TicketsStream(api, base, dir, ctx.clock(), o, ctx.requests()));
    }
    AtomicReference<String> app = new AtomicReference<>(o.appId());
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> {
          JsonNode me =
              api.send("me", Request.get(base, "me").header(IntercomApi.VERSION, o.apiVersion()))
                  .body();
          String id = me.path("app").path("id_code").asText("");
          if (!id.isEmpty() && APP_ID.matcher(id).matches()) {
            app.compareAndSet(null, id);
          }
          return CheckResult.ok(
              "signed in as "
                  + me.path("name").asText("?")
                  + " ("
                  + me.path("app").path("name").asText("?")
                  + ")");
        },
        id -> inboxUrl(app.get(), base, id));
  }

  /** 2.10 or later (tickets, {@code sla_applied}, {@code statistics} as read here), or Unstable. */
  private static boolean supported(String version) {
    if (version.equals("Unstable")) {
      return true;
    }
    String[] parts = version.split("\\.");
    int major = Integer.parseInt(parts[0]);
    int minor = Integer.parseInt(parts[1]);
    return major > 2 || (major == 2 && minor >= 10);
  }

  /**
   * The conversation in the Intercom inbox when the workspace's app id is known (configured, or
   * learned from {@code GET /me} by the check); else the conversation in the API. A ticket ({@code
   * ticket-<id>}) links to the ticket in the API.
   */
  static String inboxUrl(String appId, HttpUrl base, String id) {
    if (id.startsWith(IntercomMapper.TICKET_PREFIX)) {
      return base.newBuilder()
          .addPathSegment("tickets")
          .addPathSegment(id.substring(IntercomMapper.TICKET_PREFIX.length()))
          .toString();
    }
    if (appId == null) {
      return base.newBuilder().addPathSegment("conversations").addPathSegment(id).toString();
    }
    return new HttpUrl.Builder()
        .scheme("https")
        .host("app.intercom.com")
        .addPathSegments("a/apps")
        .addPathSegment(appId)
        .addPathSegments("inbox/inbox/all/conversations")
        .addPathSegment(id)
        .toString();
  }
}
