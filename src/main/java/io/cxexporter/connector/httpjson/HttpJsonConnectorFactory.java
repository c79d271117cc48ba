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
import io.cxexporter.connector.http.StreamSequence;
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
 * <p>A stream's key is its kind ({@code tickets}, {@code satisfaction_ratings}, {@code surveys},
 * {@code customers}, {@code deals}) or any name with {@code kind:} (Freshdesk's deleted and spam
 * lists are two more {@code tickets} streams). Each has its own cursor.
 */
public final class HttpJsonConnectorFactory implements ConnectorFactory<HttpJsonOptions> {
  /** The stream kinds. */
  static final List<String> KINDS =
      List.of("tickets", "satisfaction_ratings", "surveys", "customers", "deals");

  static final List<String> AUTH_STYLES = List.of("basic", "bearer", "header", "query", "oauth2");

  /** Where the watermark goes in a {@code params} value or a POST body. */
  static final String SINCE = "{{since}}";

  private static final java.util.regex.Pattern STREAM_NAME =
      java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,39}");

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

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
      auth = new WithHeaders(auth, headers);
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
      s.problem("streams", "required: at least one stream");
    } else {
      Settings st = block.get();
      for (String name : st.keys()) {
        Settings b = st.object(name);
        String kind = b.optionalString("kind").orElse(name);
        if (!STREAM_NAME.matcher(name).matches()) {
          st.problem(
              name,
              "expected a stream name of lowercase letters, digits and _ (it is a metric label)");
        }
        if (!KINDS.contains(kind)) {
          (b.has("kind") ? b : st)
              .problem(
                  b.has("kind") ? "kind" : name,
                  (b.has("kind") ? "unknown stream kind \"" + kind + "\"" : "unknown stream kind")
                      + "; expected one of "
                      + String.join(", ", KINDS)
                      + (b.has("kind") ? "" : " (or any name with kind: set)"));
          b.markAllRead();
        } else {
          streams.add(stream(name, kind, b, lookups.keySet()));
        }
      }
      if (st.keys().isEmpty()) {
        s.problem("streams", "required: at least one stream");
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
      case "oauth2" -> {
        String scheme = c.string("scheme", "Bearer");
        if (scheme.isBlank() || scheme.contains(" ")) {
          c.problem("scheme", "expected one word like Bearer, got \"" + scheme + "\"");
        }
        yield io.cxexporter.connector.http.OAuth2.read(c)
            .<Auth>map(o -> scheme.equals("Bearer") ? o : o.scheme(scheme))
            .orElse(Auth.NONE);
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
    Map<String, List<String>> params = params(l);
    Paginate paginate = Paginate.read(l, "paginate");
    Duration refresh = l.duration("refresh", Duration.ofHours(1));
    if (refresh.compareTo(Duration.ofMinutes(1)) < 0) {
      l.problem("refresh", "expected at least 1m, got " + Settings.formatDuration(refresh));
      refresh = Duration.ofHours(1);
    }
    return new Lookup(name, path, params, records, key, value, paginate, refresh);
  }

  private static StreamSpec stream(
      String name, String kind, Settings st, java.util.Set<String> lookups) {
    String path = path(st);
    String method = st.string("method", "GET");
    JsonNode body = null;
    if (method.equals("POST")) {
      body = st.raw("body").map(b -> (JsonNode) JSON.valueToTree(b)).orElse(null);
      if (body == null) {
        st.problem("body", "required with method POST (a YAML object)");
      } else if (!body.isObject()) {
        st.problem("body", "expected a YAML object, got " + body.getNodeType());
      }
    } else {
      if (!method.equals("GET")) {
        st.problem("method", "expected GET or POST, got \"" + method + "\"");
      }
      if (st.has("body")) {
        st.problem("body", "only with method POST");
        st.raw("body");
      }
    }
    Map<String, List<String>> params = params(st);
    String records = records(st);
    Paginate paginate = Paginate.read(st, "paginate");
    if (paginate.inBody() && body == null) {
      st.problem("paginate", "a cursor in the body needs method POST with a body");
    }
    Since since = st.optionalObject("since").map(HttpJsonConnectorFactory::since).orElse(null);
    TimeFormat times = since == null ? new TimeFormat.Iso() : since.fieldFormat();
    Settings map = st.object("map");
    if (!st.has("map")) {
      st.problem("map", "required");
    }
    RecordMapping mapping =
        switch (kind) {
          case "satisfaction_ratings" ->
              SurveyMapping.read(map, times, true, SurveyMapping.Scale.read(st));
          case "surveys" -> SurveyMapping.read(map, times, false, SurveyMapping.Scale.read(st));
          case "customers" -> CustomerMapping.read(map, times);
          case "deals" -> DealMapping.read(map, times);
          default -> TicketMapping.read(map, times);
        };
    if (kind.equals("tickets") || kind.equals("customers") || kind.equals("deals")) {
      if (st.has("scale")) {
        st.problem("scale", "only for satisfaction_ratings and surveys");
        st.object("scale").markAllRead();
      }
    }
    for (FieldSpec f : mapping.withLookups()) {
      String field = f.key().substring(f.key().lastIndexOf('.') + 1);
      if (!mapping.lookupFields().contains(field)) {
        st.problems()
            .add(
                f.key() + ".lookup",
                mapping.lookupFields().isEmpty()
                    ? "no field of a " + kind + " stream takes a lookup"
                    : "only "
                        + String.join(", ", new java.util.TreeSet<>(mapping.lookupFields()))
                        + " take a lookup in a "
                        + kind
                        + " stream");
      } else if (!lookups.contains(f.lookup())) {
        st.problems()
            .add(
                f.key() + ".lookup",
                "no lookup named \""
                    + f.lookup()
                    + "\" (lookups: "
                    + (lookups.isEmpty() ? "none" : String.join(", ", lookups))
                    + ")");
      }
    }
    int maxPages = st.has("max_pages") ? st.intValue("max_pages", 0, 1, 1_000_000) : 0;
    if (maxPages > 0 && since == null) {
      st.problem("max_pages", "a pass restarts from its watermark at the cap: needs a since block");
    }
    if (maxPages > 0 && paginate instanceof Paginate.None) {
      st.problem("max_pages", "one page per pass without paginate: drop max_pages");
    }
    StreamSpec spec =
        new StreamSpec(
            name, kind, path, method, params, body, records, paginate, since, maxPages, mapping);
    boolean template = spec.sinceInTemplate();
    if (since != null && since.param() == null && !template) {
      st.problem("since.param", "required unless " + SINCE + " is written in params or body");
    }
    if (since != null && since.param() != null && template) {
      st.problem("since.param", "set param or write " + SINCE + " in params or body, not both");
    }
    if (since == null && template) {
      st.problem("since", SINCE + " is written in params or body, but there is no since block");
    }
    return spec;
  }

  private static Since since(Settings s) {
    String param = s.optionalString("param").orElse(null);
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

  /**
   * The {@code params} block: each value a string (numbers and booleans read as text) or a list of
   * them, sent as one repeated parameter ({@code "role[]": [agent, admin]} → {@code
   * role[]=agent&role[]=admin}).
   */
  private static Map<String, List<String>> params(Settings s) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    s.optionalObject("params")
        .ifPresent(
            m -> {
              for (String k : m.keys()) {
                if (m.isList(k)) {
                  List<String> values = m.strings(k);
                  if (values.isEmpty()) {
                    m.problem(k, "expected at least one value");
                  } else {
                    out.put(k, List.copyOf(values));
                  }
                } else {
                  m.optionalString(k).ifPresent(v -> out.put(k, List.of(v)));
                }
              }
            });
    return out;
  }

  /** A mapping of strings (headers); numbers and booleans read as text. */
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
    o.streams().forEach(s -> endpoints.add(s.name()));
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
    ApiClient lookups = api.forLookups();
    Map<String, NameDirectory> dirs = new HashMap<>();
    for (Lookup l : o.lookups().values()) {
      dirs.put(
          l.name(),
          NameDirectory.listed(
              lookupEndpoint(l.name()).substring("lookup/".length()), // metrics add "lookup/"
              () -> loadLookup(lookups, base, l),
              l.refresh(),
              ctx.clock(),
              ctx.requests()));
    }
    List<Stream> streams = new ArrayList<>();
    UnmappedValues unmapped = new UnmappedValues(o.common().name());
    List<Stream> ticketLists = new ArrayList<>();
    for (StreamSpec s : o.streams()) {
      PagedStream p = stream(s, api, base, ctx, o.common().backfill(), dirs, unmapped);
      if (s.kind().equals("tickets")) {
        if (ticketLists.isEmpty()) {
          streams.add(p); // the place of the tickets stream(s), replaced below when several
        }
        ticketLists.add(p);
      } else {
        streams.add(p);
      }
    }
    if (ticketLists.size() > 1) {
      // one stream, so a tombstone of a later list (deleted, spam) removes the stored ticket
      java.util.LinkedHashMap<String, Stream> byName = new java.util.LinkedHashMap<>();
      ticketLists.forEach(t -> byName.put(t.name(), t));
      streams.set(
          streams.indexOf(ticketLists.get(0)),
          StreamSequence.of(ticketLists.get(0).name(), byName));
    }
    StreamSpec main =
        o.streams().stream()
            .filter(s -> s.kind().equals("tickets"))
            .findFirst()
            .orElse(o.streams().isEmpty() ? null : o.streams().get(0));
    long now = ctx.clock().instant().getEpochSecond();
    return new HttpConnector(
        o.common().name(),
        streams,
        () -> {
          if (main != null) {
            api.send(main.name(), firstRequest(base, main, now));
          }
          return CheckResult.ok("the " + (main == null ? "API" : main.name()) + " list answers");
        },
        id ->
            o.ticketUrl() == null
                ? base.toString()
                : o.ticketUrl()
                    .replace(
                        "{id}", URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")));
  }

  private static PagedStream stream(
      StreamSpec s,
      ApiClient api,
      HttpUrl base,
      ConnectorContext ctx,
      Duration backfill,
      Map<String, NameDirectory> dirs,
      UnmappedValues unmapped) {
    Since since = s.since();
    RecordMapping m = s.mapping();
    PagedStream.Builder b =
        PagedStream.builder(s.name(), api, s.name(), ctx.clock())
            .first(epoch -> firstRequest(base, s, epoch))
            .items(s.recordsPointer())
            .id(idPointer(m))
            .paginator(s.paginate().paginator(s.recordsPointer()))
            .backfill(backfill)
            .mapper(
                item -> {
                  try {
                    return m.map(item, (table, id) -> dirs.get(table).name(id));
                  } catch (FieldSpec.Unmapped e) {
                    unmapped.saw(s.name(), e, item.at(idPointer(m)).asText("?"));
                    throw e;
                  }
                });
    if (since != null) {
      b.watermark("since", since.overlap()).dedupeBoundary();
      if (s.maxPages() > 0) {
        b.cap(s.maxPages());
      }
      b.time(item -> since.fieldFormat().parse(JsonPaths.read(item, since.field())));
    } else {
      b.progress(false);
    }
    return b.build();
  }

  /**
   * The first request of a pass that reads changes from {@code epoch} on: path, params and body
   * with the watermark where {@code {{since}}} is written (or in {@code since.param}), and the
   * paginator's first-page parameters.
   */
  static Request firstRequest(HttpUrl base, StreamSpec s, long epoch) {
    Since since = s.since();
    String at = since == null ? null : since.format().format(Instant.ofEpochSecond(epoch));
    Request r =
        s.method().equals("POST")
            ? Request.post(base, s.path().substring(1), withSince(s.body(), at, since))
            : Request.get(base, s.path().substring(1));
    for (Map.Entry<String, List<String>> e : s.params().entrySet()) {
      r =
          r.query(
              e.getKey(),
              e.getValue().stream().map(v -> at == null ? v : v.replace(SINCE, at)).toList());
    }
    r = s.paginate().first(r);
    if (since != null && since.param() != null) {
      r = r.query(since.param(), at);
    }
    return r;
  }

  /**
   * A copy of {@code body} with {@code at} where {@code {{since}}} is written; a string that is
   * exactly {@code {{since}}} becomes a number for the epoch formats.
   */
  static JsonNode withSince(JsonNode body, String at, Since since) {
    if (body == null || at == null) {
      return body;
    }
    if (body.isTextual() && body.asText().contains(SINCE)) {
      String t = body.asText();
      if (t.equals(SINCE) && since.format() instanceof TimeFormat.Epoch) {
        return com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(at));
      }
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(t.replace(SINCE, at));
    }
    if (body.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
      body.fields().forEachRemaining(e -> out.set(e.getKey(), withSince(e.getValue(), at, since)));
      return out;
    }
    if (body.isArray()) {
      com.fasterxml.jackson.databind.node.ArrayNode out = JSON.createArrayNode();
      body.forEach(x -> out.add(withSince(x, at, since)));
      return out;
    }
    return body;
  }

  /** The id's JSON pointer for rejected records; the whole item's id when not simple. */
  private static String idPointer(RecordMapping m) {
    FieldSpec id = m.id();
    String p = id == null || id.path() == null ? null : JsonPaths.pointer(id.path().getPath());
    return p == null ? "/id" : p;
  }

  private static Request request(HttpUrl base, String path, Map<String, List<String>> params) {
    Request r = Request.get(base, path.substring(1));
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      r = r.query(e.getKey(), e.getValue());
    }
    return r;
  }

  /**
   * Static credentials plus the {@code headers} block; an {@link Auth} bound per client (OAuth2)
   * stays bound, with the headers.
   */
  record WithHeaders(Auth inner, Map<String, String> headers) implements Auth {
    @Override
    public void apply(okhttp3.Request.Builder b) throws ConnectorException {
      headers.forEach(b::header);
      inner.apply(b);
    }

    @Override
    public boolean refresh() {
      return inner.refresh();
    }

    @Override
    public Auth forClient(
        okhttp3.OkHttpClient http,
        io.cxexporter.connector.RequestListener listener,
        java.time.Clock clock) {
      Auth bound = inner.forClient(http, listener, clock);
      return bound == inner ? this : new WithHeaders(bound, headers);
    }
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
