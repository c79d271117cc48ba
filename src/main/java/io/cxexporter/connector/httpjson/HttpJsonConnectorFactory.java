package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import io.cxexporter.config.Secret;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.EndpointLimit;
import io.cxexporter.connector.http.HttpConnector;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.connector.http.NameDirectory;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.RateLimitHeaders;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.httpjson.HttpJsonOptions.Lookup;
import io.cxexporter.connector.httpjson.HttpJsonOptions.RateLimit;
import io.cxexporter.connector.httpjson.HttpJsonOptions.Since;
import io.cxexporter.connector.httpjson.HttpJsonOptions.StreamSpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The {@code http_json} connector: any helpdesk with a JSON REST API, by configuration alone. The
 * config is turned into the connector kit's pieces: a {@link PagedStream} per stream (its request,
 * records path, {@link Paginator} and watermark), {@link NameDirectory}s for {@code lookups}, and
 * an {@link ApiClient} with the configured auth, headers and budget. See {@code
 * docs/connectors/http-json.md}.
 *
 * <p>This first slice reads the {@code tickets} stream kind with GET requests; the other kinds,
 * POST bodies, {@code probe} and the recipes are issue 14's remaining work.
 */
public final class HttpJsonConnectorFactory implements ConnectorFactory<HttpJsonOptions> {
  /** The stream kinds of the issue; only {@code tickets} is read so far. */
  static final List<String> KINDS =
      List.of("tickets", "satisfaction_ratings", "surveys", "customers", "deals");

  static final List<String> AUTH_STYLES = List.of("basic", "bearer", "header", "query");

  @Override
  public String type() {
    return "http_json";
  }

  @Override
  public HttpJsonOptions parse(Settings s) {
    CommonOptions common = CommonOptions.read(s, "http_json", "https://acme.example.com");
    Auth auth = auth(s);
    Map<String, String> headers = strings(s, "headers");
    if (!headers.isEmpty()) {
      Auth inner = auth;
      auth =
          b -> {
            headers.forEach(b::header);
            inner.apply(b);
          };
    }
    RateLimit rateLimit =
        s.optionalObject("rate_limit")
            .map(
                r ->
                    new RateLimit(
                        r.optionalString("remaining_header").orElse(null),
                        r.intValue("requests_per_minute", 0, 1, 100_000)))
            .orElse(null);
    Map<String, Lookup> lookups = new LinkedHashMap<>();
    s.optionalObject("lookups")
        .ifPresent(
            l -> {
              for (String name : l.keys()) {
                lookups.put(name, lookup(name, l.object(name)));
              }
            });
    List<StreamSpec> streams = new ArrayList<>();
    Optional<Settings> block = s.optionalObject("streams");
    if (block.isEmpty()) {
      s.problem("streams", "required: at least the tickets stream");
    } else {
      Settings st = block.get();
      for (String kind : st.keys()) {
        if (!KINDS.contains(kind)) {
          st.problem(kind, "unknown stream kind; expected one of " + String.join(", ", KINDS));
          st.object(kind).markAllRead();
        } else if (!kind.equals("tickets")) {
          st.problem(kind, "not read by http_json yet (tickets only so far)");
          st.object(kind).markAllRead();
        } else {
          streams.add(stream(kind, st.object(kind), lookups.keySet()));
        }
      }
      if (streams.isEmpty() && st.keys().isEmpty()) {
        s.problem("streams", "required: at least the tickets stream");
      }
    }
    String ticketUrl = s.optionalString("ticket_url").orElse(null);
    if (ticketUrl != null && !ticketUrl.contains("{id}")) {
      s.problem("ticket_url", "expected a URL with {id} where the ticket id goes");
    }
    HttpSettings http = HttpSettings.read(s);
    return new HttpJsonOptions(common, auth, rateLimit, lookups, streams, ticketUrl, http);
  }

  /** {@code auth:} exactly one of basic, bearer, header, query; absent = no credentials. */
  private static Auth auth(Settings s) {
    Optional<Settings> block = s.optionalObject("auth");
    if (block.isEmpty()) {
      return Auth.NONE;
    }
    Settings a = block.get();
    List<String> given = AUTH_STYLES.stream().filter(a::has).toList();
    if (given.size() != 1) {
      a.problem(
          null,
          "expected exactly one of "
              + String.join(", ", AUTH_STYLES)
              + (given.isEmpty() ? "" : ", got " + String.join(" and ", given)));
      a.markAllRead();
      return Auth.NONE;
    }
    String style = given.get(0);
    Settings c = a.object(style);
    return switch (style) {
      case "basic" -> {
        Secret user = c.requiredSecret("username");
        Secret password = c.requiredSecret("password");
        yield user == null || password == null ? Auth.NONE : Auth.basic(user.reveal(), password);
      }
      case "bearer" -> {
        Secret token = c.requiredSecret("token");
        yield token == null ? Auth.NONE : Auth.bearer(token);
      }
      case "header" -> {
        String name = c.string("name");
        Secret value = c.requiredSecret("value");
        yield name == null || value == null ? Auth.NONE : Auth.header(name, value);
      }
      default -> {
        String name = c.string("name");
        Secret value = c.requiredSecret("value");
        yield name == null || value == null ? Auth.NONE : query(name, value);
      }
    };
  }

  /** The secret as a query parameter (APIs that take {@code ?api_key=}). */
  private static Auth query(String name, Secret value) {
    return b -> {
      HttpUrl u = b.build().url();
      b.url(u.newBuilder().setQueryParameter(name, value.reveal()).build());
    };
  }

  private static Lookup lookup(String name, Settings l) {
    String path = path(l);
    String records = records(l);
    JsonPath key = JsonPaths.compile(l, "key", l.string("key"));
    JsonPath value = JsonPaths.compile(l, "value", l.string("value"));
    Map<String, String> params = strings(l, "params");
    Paginate paginate = Paginate.read(l, "paginate");
    Duration refresh = l.duration("refresh", Duration.ofHours(1));
    if (refresh.compareTo(Duration.ofMinutes(1)) < 0) {
      l.problem("refresh", "expected at least 1m, got " + Settings.formatDuration(refresh));
      refresh = Duration.ofHours(1);
    }
    return new Lookup(name, path, params, records, key, value, paginate, refresh);
  }

  private static StreamSpec stream(String kind, Settings st, java.util.Set<String> lookups) {
    String path = path(st);
    String method = st.string("method", "GET");
    if (!method.equals("GET")) {
      st.problem("method", "only GET so far (POST with a body is not read yet), got " + method);
    }
    Map<String, String> params = strings(st, "params");
    String records = records(st);
    Paginate paginate = Paginate.read(st, "paginate");
    Since since = st.optionalObject("since").map(HttpJsonConnectorFactory::since).orElse(null);
    TimeFormat times = since == null ? new TimeFormat.Iso() : since.fieldFormat();
    TicketMapping mapping = TicketMapping.read(st.object("map"), times);
    if (!st.has("map")) {
      st.problem("map", "required");
    }
    for (FieldSpec f : mapping.withLookups()) {
      if (!lookups.contains(f.lookup())) {
        st.problems()
            .add(
                f.key() + ".lookup",
                "no lookup named \""
                    + f.lookup()
                    + "\" (lookups: "
                    + String.join(", ", lookups)
                    + ")");
      }
    }
    return new StreamSpec(kind, path, params, records, paginate, since, mapping);
  }

  private static Since since(Settings s) {
    String param = s.string("param");
    JsonPath field = JsonPaths.compile(s, "field", s.string("field"));
    TimeFormat format = TimeFormat.read(s, "format", new TimeFormat.Iso());
    TimeFormat fieldFormat = TimeFormat.read(s, "field_format", format);
    Duration overlap = CommonOptions.overlap(s);
    return new Since(param, field, format, fieldFormat, overlap);
  }

  /** A required {@code path} starting with {@code /}. */
  private static String path(Settings s) {
    String p = s.string("path");
    if (p != null && !p.startsWith("/")) {
      s.problem("path", "expected a path starting with /, got \"" + p + "\"");
    }
    return p == null ? "/" : p;
  }

  /** {@code records}: a path to one array, as a JSON pointer; default the whole body. */
  private static String records(Settings s) {
    String r = s.string("records", "$[*]");
    JsonPaths.compile(s, "records", r);
    String pointer = JsonPaths.recordsPointer(r);
    if (pointer == null) {
      s.problem(
          "records",
          "expected a path to one array like $[*] or $.tickets[*] (no filters or deep scan), got \""
              + r
              + "\"");
      return "";
    }
    return pointer;
  }

  /** A mapping of strings (headers, params); numbers and booleans read as text. */
  private static Map<String, String> strings(Settings s, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    s.optionalObject(key)
        .ifPresent(
            m -> {
              for (String k : m.keys()) {
                m.optionalString(k).ifPresent(v -> out.put(k, v));
              }
            });
    return out;
  }

  @Override
  public Connector create(HttpJsonOptions o, ConnectorContext ctx) {
    HttpUrl base = o.common().baseUrl();
    ApiClient.Builder b = ApiClient.builder(o.http(), ctx).auth(o.auth());
    RateLimit rl = o.rateLimit();
    List<String> endpoints = new ArrayList<>();
    o.streams().forEach(s -> endpoints.add(s.kind()));
    o.lookups().values().forEach(l -> endpoints.add(lookupEndpoint(l.name())));
    if (rl != null) {
      if (rl.remainingHeader() != null) {
        b.rateLimitHeaders(
            new RateLimitHeaders(
                List.of(rl.remainingHeader()),
                RateLimitHeaders.COMMON.limit(),
                RateLimitHeaders.COMMON.reset()));
      }
      if (rl.requestsPerMinute() > 0) {
        // one budget for every request of this connector
        EndpointLimit limit =
            new EndpointLimit(rl.requestsPerMinute(), Duration.ofMinutes(1), ctx.clock());
        endpoints.forEach(e -> b.limit(e, limit));
      }
    }
    ApiClient api = b.build();
    Map<String, NameDirectory> dirs = new HashMap<>();
    for (Lookup l : o.lookups().values()) {
      dirs.put(
          l.name(),
          NameDirectory.listed(
              lookupEndpoint(l.name()).substring("lookup/".length()), // metrics add "lookup/"
              () -> loadLookup(api, base, l),
              l.refresh(),
              ctx.clock(),
              ctx.requests()));
    }
    List<Stream> streams = new ArrayList<>();
    for (StreamSpec s : o.streams()) {
      streams.add(tickets(s, api, base, ctx, o.common().backfill(), dirs));
    }
    StreamSpec main = o.streams().isEmpty() ? null : o.streams().get(0);
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> {
          if (main != null) {
            Request r = main.paginate().first(request(base, main.path(), main.params()));
            api.send(main.kind(), r);
          }
          return CheckResult.ok("the " + (main == null ? "API" : main.kind()) + " list answers");
        },
        id ->
            o.ticketUrl() == null
                ? base.toString()
                : o.ticketUrl()
                    .replace(
                        "{id}", URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")));
  }

  private static PagedStream tickets(
      StreamSpec s,
      ApiClient api,
      HttpUrl base,
      ConnectorContext ctx,
      Duration backfill,
      Map<String, NameDirectory> dirs) {
    Since since = s.since();
    PagedStream.Builder b =
        PagedStream.builder(s.kind(), api, s.kind(), ctx.clock())
            .first(
                epoch -> {
                  Request r = s.paginate().first(request(base, s.path(), s.params()));
                  return since == null
                      ? r
                      : r.query(since.param(), since.format().format(Instant.ofEpochSecond(epoch)));
                })
            .items(s.recordsPointer())
            .id(idPointer(s.tickets()))
            .paginator(s.paginate().paginator(s.recordsPointer()))
            .backfill(backfill)
            .mapper(item -> s.tickets().map(item, (table, id) -> dirs.get(table).name(id)));
    if (since != null) {
      b.watermark("since", since.overlap())
          .dedupeBoundary()
          .time(item -> since.fieldFormat().parse(JsonPaths.read(item, since.field())));
    } else {
      b.progress(false);
    }
    return b.build();
  }

  /** The id's JSON pointer for rejected records; the whole item's id when not simple. */
  private static String idPointer(TicketMapping m) {
    String p =
        m.id == null || m.id.path() == null ? null : JsonPaths.pointer(m.id.path().getPath());
    return p == null ? "/id" : p;
  }

  private static Request request(HttpUrl base, String path, Map<String, String> params) {
    Request r = Request.get(base, path.substring(1));
    for (Map.Entry<String, String> e : params.entrySet()) {
      r = r.query(e.getKey(), e.getValue());
    }
    return r;
  }

  /**
   * The bounded name a lookup's requests are counted under: {@code lookup/<name>}, in the lowercase
   * letters and underscores metric labels use.
   */
  static String lookupEndpoint(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z_]+", "_");
    return "lookup/" + (n.isEmpty() ? "_" : n);
  }

  /** A lookup table, read whole (following its paginator). */
  private static Map<String, String> loadLookup(ApiClient api, HttpUrl base, Lookup l)
      throws ConnectorException {
    Map<String, String> out = new HashMap<>();
    Paginator next = l.paginate().paginator(l.recordsPointer());
    Request first = l.paginate().first(request(base, l.path(), l.params()));
    Request request = first;
    for (int pages = 0; pages < 1000; pages++) {
      ApiResponse r = api.send(lookupEndpoint(l.name()), request);
      JsonNode items = r.body().at(l.recordsPointer());
      if (!items.isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from lookup " + l.name());
      }
      for (JsonNode item : items) {
        JsonNode k = JsonPaths.read(item, l.key());
        JsonNode v = JsonPaths.read(item, l.value());
        if (k.isValueNode() && !k.isNull() && v.isValueNode() && !v.isNull()) {
          out.put(k.asText(), v.asText());
        }
      }
      Paginator.Step step = next.next(r);
      if (!step.more()) {
        return out;
      }
      request = next.follow(first, step.token());
    }
    return out;
  }
}
