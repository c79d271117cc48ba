package io.cxexporter.connector.jsm;

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
import io.cxexporter.model.Priority;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * The {@code jira_service_management} connector: issues (with JSM's SLA clocks and CSAT fields)
 * from the enhanced JQL search, and CSAT from the feedback endpoint where the issues carry none.
 *
 * <pre>{@code
 * - name: jsm
 *   type: jira_service_management
 *   base_url: https://acme.atlassian.net
 *   auth: {email: ops@acme.example, api_token: "${JIRA_API_TOKEN}"}   # or {bearer_token: ...}
 *   projects: [SD]                 # default: every project the user can see
 *   time_zone: UTC                 # the API user's profile time zone (JQL dates are read in it)
 *   group_by: request_type         # or component, or customfield_10050
 *   pending_statuses: [Waiting for customer]
 *   priorities: {Highest: urgent, High: high, Medium: normal, Low: low, Lowest: low}
 *   csat_source: auto              # field, feedback or off; auto: the field, else the endpoint
 *   feedback_lookback: 7d          # requests resolved this recently are asked for feedback
 *   feedback_requests_per_minute: 60
 * }</pre>
 */
public final class JiraServiceManagementConnectorFactory
    implements ConnectorFactory<JiraServiceManagementOptions> {
  private static final Pattern PROJECT_KEY = Pattern.compile("[A-Z][A-Z0-9_]+");
  private static final Pattern CUSTOM_FIELD = Pattern.compile("customfield_\\d+");
  static final List<String> DEFAULT_PENDING = List.of("waiting for customer");

  @Override
  public String type() {
    return "jira_service_management";
  }

  @Override
  public JiraServiceManagementOptions parse(Settings s) {
    CommonOptions common = CommonOptions.read(s, "jsm", "https://acme.atlassian.net");
    int beforeAuth = s.problems().messages().size();
    Settings a = s.object("auth");
    if (!s.has("auth")) {
      s.problem("auth", "required: {email, api_token} or {bearer_token}");
    }
    Optional<Secret> bearer = a.secret("bearer_token");
    String email = a.string("email", null);
    Optional<Secret> token = a.secret("api_token");
    if (s.has("auth")
        && bearer.isEmpty()
        && (email == null || token.isEmpty())
        && s.problems().messages().size() == beforeAuth) {
      a.problem(null, "needs email and api_token (or api_token_file), or bearer_token (or _file)");
    }
    Auth auth =
        bearer.isPresent()
            ? Auth.bearer(bearer.get())
            : token.isPresent() ? Auth.basic(email, token.get()) : Auth.NONE;
    List<String> projects = s.strings("projects");
    for (int i = 0; i < projects.size(); i++) {
      if (!PROJECT_KEY.matcher(projects.get(i)).matches()) {
        s.problem(
            "projects[" + i + "]",
            "expected a project key like SD (capital letters, digits, _), got \""
                + projects.get(i)
                + "\"");
      }
    }
    String zone = s.string("time_zone", "UTC");
    ZoneId timeZone = ZoneId.of("UTC");
    try {
      timeZone = ZoneId.of(zone);
    } catch (DateTimeException e) {
      s.problem(
          "time_zone", "expected a time zone like UTC or Europe/Berlin, got \"" + zone + "\"");
    }
    int maxResults = s.intValue("max_results", 100, 1, 5000);
    List<String> pending = new ArrayList<>();
    List<String> configured = s.has("pending_statuses") ? s.strings("pending_statuses") : null;
    for (String p : configured == null ? DEFAULT_PENDING : configured) {
      pending.add(p.trim().toLowerCase(Locale.ROOT));
    }
    Map<String, Priority> priorities = new HashMap<>(JiraMapper.DEFAULT_PRIORITIES);
    if (s.has("priorities")) {
      Settings p = s.object("priorities");
      for (String name : p.keys()) {
        String v = p.string(name, "");
        Optional<Priority> parsed = Priority.parse(v);
        if (parsed.isEmpty()) {
          p.problem(name, "expected one of low, normal, high, urgent, got \"" + v + "\"");
        } else {
          priorities.put(name.trim().toLowerCase(Locale.ROOT), parsed.get());
        }
      }
    }
    String groupBy = s.string("group_by", "request_type");
    if (!groupBy.equals("request_type")
        && !groupBy.equals("component")
        && !CUSTOM_FIELD.matcher(groupBy).matches()) {
      s.problem(
          "group_by",
          "expected request_type, component or a custom field id like customfield_10050, got \""
              + groupBy
              + "\"");
    }
    String source = s.string("csat_source", "auto");
    JiraServiceManagementOptions.CsatSource csatSource =
        JiraServiceManagementOptions.CsatSource.AUTO;
    try {
      csatSource =
          JiraServiceManagementOptions.CsatSource.valueOf(source.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      s.problem("csat_source", "expected auto, field, feedback or off, got \"" + source + "\"");
    }
    Duration lookback = s.duration("feedback_lookback", Duration.ofDays(7));
    if (lookback.compareTo(Duration.ofHours(1)) < 0
        || lookback.compareTo(Duration.ofDays(90)) > 0) {
      s.problem("feedback_lookback", "expected 1h to 90d, got " + lookback);
    }
    int feedbackPerMinute = CommonOptions.budget(s, "feedback_requests_per_minute", 60, 1000);
    HttpSettings http = HttpSettings.read(s);
    return new JiraServiceManagementOptions(
        common,
        auth,
        projects,
        timeZone,
        maxResults,
        pending,
        priorities,
        groupBy,
        csatSource,
        lookback,
        feedbackPerMinute,
        http);
  }

  @Override
  public Connector create(JiraServiceManagementOptions o, ConnectorContext ctx) {
    HttpUrl base = o.common().baseUrl();
    ApiClient api =
        ApiClient.builder(o.http(), ctx)
            .auth(o.auth())
            // a request whose feedback the API user may not read: the fallback's lookup fails,
            // the credentials are fine
            .errors(
                ErrorPolicy.builder()
                    .endpoint(FeedbackStream.ENDPOINT, 403, ErrorPolicy.Action.FEATURE_UNAVAILABLE)
                    .build())
            .limit(
                FeedbackStream.ENDPOINT,
                new EndpointLimit(
                    o.feedbackRequestsPerMinute(), Duration.ofMinutes(1), ctx.clock()))
            .build();
    JiraFields fields = new JiraFields(api.forLookups(), base, ctx.clock(), ctx.requests());
    List<Stream> streams =
        List.of(
            new IssuesStream(api, base, fields, ctx.clock(), o),
            new FeedbackStream(api, base, fields, ctx.clock(), o, ctx.requests()));
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> check(api, base, o.timeZone()),
        id ->
            base.newBuilder()
                .addPathSegments("secure/ViewIssue.jspa")
                .addQueryParameter("id", id)
                .build()
                .toString());
  }

  /** Jira's probe: who we are, and whether JQL dates are read in {@code time_zone}. */
  private static CheckResult check(ApiClient api, HttpUrl base, ZoneId timeZone)
      throws ConnectorException {
    var me =
        api.get("myself", base.newBuilder().addPathSegments("rest/api/3/myself").build()).body();
    String who = "signed in as " + me.path("displayName").asText("?");
    String zone = me.path("timeZone").asText("");
    if (!zone.isEmpty() && !sameZone(zone, timeZone)) {
      return CheckResult.failed(
          who
              + ", whose profile time zone "
              + zone
              + " is not time_zone "
              + timeZone
              + ": JQL dates would be read in "
              + zone);
    }
    return CheckResult.ok(who + " (" + (zone.isEmpty() ? "?" : zone) + ")");
  }

  private static boolean sameZone(String zone, ZoneId timeZone) {
    try {
      return ZoneId.of(zone).normalized().equals(timeZone.normalized())
          || ZoneId.of(zone).getRules().equals(timeZone.getRules());
    } catch (DateTimeException e) {
      return false;
    }
  }
}
