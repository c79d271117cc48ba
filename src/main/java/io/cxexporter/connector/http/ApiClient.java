package io.cxexporter.connector.http;

import io.cxexporter.connector.ConnectorContext;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorException.Kind;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.util.ErrorTable;
import io.cxexporter.util.HttpClients;
import io.cxexporter.util.Jitter;
import io.cxexporter.util.RetryAfter;
import io.cxexporter.util.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The one way a connector talks HTTP: JSON GETs with auth, timeouts, retries with exponential
 * backoff and jitter for 5xx and connection errors, {@code 429}/{@code 503} waits that honour
 * {@code Retry-After} or the vendor's reset header, a slow-down before the vendor's remaining
 * budget hits zero, per-endpoint limits, and every attempt reported to the {@link RequestListener}.
 * Error statuses map to actions by an {@link ErrorPolicy}: {@link ErrorTable}'s unless the vendor
 * sets its own with {@link Builder#errors(ErrorPolicy)}.
 *
 * <pre>{@code
 * ApiClient api = ApiClient.builder(HttpSettings.read(settings), ctx)
 *     .auth(Auth.basic(email + "/token", token))
 *     .limit("incremental/tickets", new EndpointLimit(10, Duration.ofMinutes(1), ctx.clock()))
 *     .build();
 * ApiResponse page = api.get("incremental/tickets", url);   // or throws ConnectorException
 * }</pre>
 *
 * <p>Error messages name the endpoint and status only: never a URL with its query, a header or a
 * credential.
 *
 * <p>A hostile or broken vendor cannot exhaust memory: a body longer than {@link
 * HttpSettings#maxResponseBytes()} ({@code max_response_bytes}) is refused after reading at most
 * that many bytes, and JSON nested deeper than {@value ResponseBodies#MAX_NESTING_DEPTH} levels or
 * holding a string longer than {@value ResponseBodies#MAX_STRING_CHARS} characters is refused as it
 * is parsed ({@link ResponseBodies}); each is a {@code BAD_RESPONSE} naming the cap, not retried,
 * so the cursor stays where it was.
 */
public final class ApiClient {
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private static final Duration BACKOFF_BASE = Duration.ofMillis(500);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
  private static final String REDACTED = "<redacted>";

  private final OkHttpClient client;
  private final Auth auth;
  private final ErrorPolicy errors;
  private final RequestListener listener;
  private final Clock clock;
  private final Sleeper sleeper;
  private final HttpSettings settings;
  private final RateLimitHeaders headers;
  private final Map<String, EndpointLimit> limits;
  private final Map<String, Double> costs;
  private final Double defaultCost;
  private final SplittableRandom random = new SplittableRandom();
  private volatile Instant slowUntil = Instant.EPOCH;

  /**
   * For a {@link #forLookups()} client: until when lookups are not asked because one timed out or
   * could not connect (so several lookups of one page cost one timeout, not one each); null for a
   * stream's client.
   */
  private final java.util.concurrent.atomic.AtomicReference<Instant> lookupsDownUntil;

  /** How long lookups rest after one timed out. */
  private static final Duration LOOKUP_REST = Duration.ofMinutes(1);

  private ApiClient(Builder b) {
    this.client =
        HttpClients.shared()
            .newBuilder()
            .connectTimeout(b.settings.connectTimeout())
            .readTimeout(b.settings.readTimeout())
            .callTimeout(b.settings.callTimeout())
            .build();
    this.auth = b.auth.forClient(client, b.listener, b.clock);
    this.errors = b.errors;
    this.listener = b.listener;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.settings = b.settings;
    this.headers = b.headers;
    this.limits = Map.copyOf(b.limits);
    this.costs = Map.copyOf(b.costs);
    this.defaultCost = b.defaultCost;
    this.lookupsDownUntil = null;
  }

  /** {@code base} with other settings: the same connection pool, auth, limits and listener. */
  private ApiClient(ApiClient base, HttpSettings settings) {
    this.client = base.client;
    this.auth = base.auth;
    this.errors = base.errors;
    this.listener = base.listener;
    this.clock = base.clock;
    this.sleeper = base.sleeper;
    this.settings = settings;
    this.headers = base.headers;
    this.limits = base.limits;
    this.costs = base.costs;
    this.defaultCost = base.defaultCost;
    this.lookupsDownUntil = new java.util.concurrent.atomic.AtomicReference<>(Instant.EPOCH);
  }

  /**
   * A client for lookups (names, fields, pipelines, SLA policies) sharing this one's pool, auth and
   * limits: one attempt per request, and once a lookup times out or cannot connect, every lookup
   * through it fails at once for a minute. So lookups that fail, or hang until the timeout, hold up
   * the stream that asked by at most one request timeout a minute, however many tables it looks up.
   * A {@link NameDirectory} tries a failed lookup again later, not at once. Make one per connector
   * and hand it to every lookup.
   */
  public ApiClient forLookups() {
    return new ApiClient(
        this,
        new HttpSettings(
            settings.connectTimeout(),
            settings.readTimeout(),
            settings.callTimeout(),
            1,
            settings.maxWait(),
            settings.maxResponseBytes()));
  }

  /**
   * A builder for a connector: its requests reported to the context's listener, its waits on the
   * context's clock and sleeper (so a test never waits on real time). What every factory uses.
   */
  public static Builder builder(HttpSettings settings, ConnectorContext ctx) {
    return new Builder(settings.cappedBy(ctx.limits()), ctx.requests(), ctx.clock())
        .sleeper(ctx.sleeper());
  }

  /** A builder with the settings, the listener requests are reported to and the clock. */
  public static Builder builder(HttpSettings settings, RequestListener listener, Clock clock) {
    return new Builder(settings, listener, clock);
  }

  /**
   * GETs a JSON document.
   *
   * @param endpoint a bounded name for metrics and messages, e.g. {@code incremental/tickets}
   * @throws ConnectorException AUTH (401/403, no retry), PERMANENT (other 4xx), RATE_LIMITED (a
   *     wait longer than {@code max_wait}, or still limited after {@code max_attempts}), TRANSIENT
   *     (5xx, timeouts, connection errors after {@code max_attempts}), BAD_RESPONSE (not JSON),
   *     FEATURE_UNAVAILABLE (no retry; only where the {@link ErrorPolicy} says so); statuses as the
   *     standard policy maps them, unless the client's policy says otherwise
   */
  public ApiResponse get(String endpoint, HttpUrl url) throws ConnectorException {
    return send(endpoint, Request.get(url), BodyReader.TREE);
  }

  /**
   * Like {@link #get(String, HttpUrl)}, with the JSON body read by {@code reader} (for instance one
   * that keeps only the fields a connector maps out of large export pages).
   */
  public ApiResponse get(String endpoint, HttpUrl url, BodyReader reader)
      throws ConnectorException {
    return send(endpoint, Request.get(url), reader);
  }

  /**
   * Sends a request and reads the whole JSON body; see {@link #send(String, Request, BodyReader)}.
   */
  public ApiResponse send(String endpoint, Request request) throws ConnectorException {
    return send(endpoint, request, BodyReader.TREE);
  }

  /**
   * Sends a GET or a JSON POST (a search endpoint with a body cursor), with the same retries, waits
   * and error classes as {@link #get(String, HttpUrl)}. A 401 is retried once when the {@link Auth}
   * could refresh its token (OAuth2), never for static credentials.
   *
   * @param endpoint a bounded name for metrics and messages, e.g. {@code incremental/tickets}
   * @param reader how the JSON body is read into the tree (everything, or the mapped fields only)
   */
  public ApiResponse send(String endpoint, Request request, BodyReader reader)
      throws ConnectorException {
    boolean refreshed = false;
    if (lookupsDownUntil != null && clock.instant().isBefore(lookupsDownUntil.get())) {
      throw new ConnectorException(
          Kind.TRANSIENT,
          endpoint + ": not asked, a lookup timed out or could not connect less than a minute ago",
          null,
          null);
    }
    for (int attempt = 1; ; attempt++) {
      pace(endpoint);
      okhttp3.Request.Builder rb =
          new okhttp3.Request.Builder().url(request.url()).header("Accept", "application/json");
      request.headers().forEach(rb::header);
      if (request.body() != null) {
        rb.post(RequestBody.create(request.body().toString(), JSON_TYPE));
      }
      okhttp3.Request plain = rb.build();
      auth.apply(rb);
      okhttp3.Request sent = rb.build();
      long t0 = System.nanoTime();
      long sentAt = clock.millis();
      Duration wait;
      okhttp3.Call call = client.newCall(sent);
      try (Response r = call.execute()) {
        int code = r.code();
        clockSkew(r.headers(), sentAt);
        if (ErrorTable.classify(code) == ErrorTable.Action.OK) {
          Object body;
          try {
            body = ResponseBodies.read(endpoint, r, settings.maxResponseBytes());
          } catch (ConnectorException over) {
            call.cancel(); // close the connection: no draining the rest to reuse it
            report(endpoint, Integer.toString(code), t0, plain, sent);
            throw over;
          }
          report(endpoint, Integer.toString(code), t0, plain, sent);
          budget(r.headers());
          credits(endpoint, r.headers());
          return new ApiResponse(
              request, code, r.headers(), ResponseBodies.parse(endpoint, body, reader));
        }
        ErrorPolicy.Action action =
            errors.classify(
                new ErrorPolicy.Answer(
                    endpoint, code, () -> r.peekBody(ErrorPolicy.Answer.PEEK_BYTES).string()));
        report(endpoint, Integer.toString(code), t0, plain, sent);
        budget(r.headers());
        credits(endpoint, r.headers());
        switch (action) {
          case AUTH -> {
            if (code == 401 && !refreshed && auth.refresh()) {
              refreshed = true;
              attempt--; // a new token is not a retry of a failure
              continue;
            }
            throw new ConnectorException(
                Kind.AUTH, "HTTP " + code + " from " + endpoint + ": credentials rejected");
          }
          case PERMANENT ->
              throw new ConnectorException(Kind.PERMANENT, "HTTP " + code + " from " + endpoint);
          case FEATURE_UNAVAILABLE ->
              throw new ConnectorException(
                  Kind.FEATURE_UNAVAILABLE,
                  "HTTP " + code + " from " + endpoint + ": not available for this account");
          case RATE_LIMITED -> {
            wait = rateLimitWait(r.headers(), attempt);
            if (wait.compareTo(settings.maxWait()) > 0 || attempt >= settings.maxAttempts()) {
              throw new ConnectorException(
                  Kind.RATE_LIMITED,
                  "HTTP " + code + " from " + endpoint + ": rate limited",
                  wait,
                  null);
            }
          }
          default -> { // RETRY
            if (attempt >= settings.maxAttempts()) {
              throw new ConnectorException(
                  Kind.TRANSIENT,
                  "HTTP " + code + " from " + endpoint + " after " + attempt + " attempts");
            }
            wait = backoff(attempt);
          }
        }
      } catch (IOException e) {
        report(
            endpoint, e instanceof InterruptedIOException ? "timeout" : "error", t0, plain, sent);
        if (lookupsDownUntil != null) {
          lookupsDownUntil.set(clock.instant().plus(LOOKUP_REST));
        }
        if (attempt >= settings.maxAttempts()) {
          throw new ConnectorException(
              Kind.TRANSIENT,
              endpoint + ": " + e.getClass().getSimpleName() + " after " + attempt + " attempts",
              null,
              null);
        }
        wait = backoff(attempt);
      }
      sleep(wait);
    }
  }

  private void report(
      String endpoint, String code, long t0, okhttp3.Request plain, okhttp3.Request sent) {
    listener.onRequest(endpoint, code, Duration.ofNanos(System.nanoTime() - t0));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : sent.headers().names()) {
      if (!name.equalsIgnoreCase("Accept")) {
        boolean credential = !sent.headers(name).equals(plain.headers(name));
        headers.put(name, credential ? REDACTED : sent.header(name));
      }
    }
    listener.onSent(sent.method(), redactedUrl(plain.url(), sent.url()), headers, code);
  }

  /**
   * {@code sent} as text, with the value of every query parameter the credentials set or changed
   * (those not in {@code plain}, the request before its credentials) shown as {@code <redacted>}.
   */
  static String redactedUrl(HttpUrl plain, HttpUrl sent) {
    String query = sent.encodedQuery();
    if (query == null) {
      return sent.toString();
    }
    String[] pairs = query.split("&", -1);
    StringBuilder out = new StringBuilder(sent.newBuilder().query(null).build().toString());
    for (int i = 0; i < pairs.length; i++) {
      out.append(i == 0 ? '?' : '&');
      String name = sent.queryParameterName(i);
      boolean credential =
          !sent.queryParameterValues(name).equals(plain.queryParameterValues(name));
      if (credential) {
        int eq = pairs[i].indexOf('=');
        out.append(eq < 0 ? pairs[i] : pairs[i].substring(0, eq)).append('=').append(REDACTED);
      } else {
        out.append(pairs[i]);
      }
    }
    return out.toString();
  }

  /**
   * Reports the vendor's clock skew from its {@code Date} header (RFC 1123, whole seconds): the
   * header's time minus the midpoint between sending and the answer's headers by our clock. An
   * answer without a readable {@code Date} reports nothing.
   */
  private void clockSkew(Headers h, long sentAt) {
    java.util.Date date = h.getDate("Date");
    if (date == null) {
      return;
    }
    long midpoint = sentAt + (clock.millis() - sentAt) / 2;
    listener.onClockSkew((date.getTime() - midpoint) / 1000.0);
  }

  /**
   * Reports what an answered request cost in the vendor's credits: its header when it sends one,
   * else the {@link Builder#cost declared} cost; nothing for a vendor that meters plain requests.
   */
  private void credits(String endpoint, Headers h) {
    Optional<Double> used = number(h, headers.used());
    Double cost = used.orElse(costs.getOrDefault(endpoint, defaultCost));
    if (cost != null && cost >= 0) {
      listener.onCredits(endpoint, cost);
    }
  }

  /** Reads the remaining budget; when it runs low, later requests wait for the reset. */
  private void budget(Headers h) {
    Optional<Double> remaining = number(h, headers.remaining());
    if (remaining.isEmpty()) {
      return;
    }
    listener.onRateLimitRemaining(remaining.get());
    double limit = number(h, headers.limit()).orElse(0.0);
    double lowWater = Math.max(1, limit * 0.05);
    if (remaining.get() <= lowWater) {
      Duration untilReset =
          first(h, headers.reset())
              .flatMap(v -> RetryAfter.untilReset(v, clock))
              .orElse(Duration.ofSeconds(1));
      slowUntil = clock.instant().plus(untilReset);
    }
  }

  private void pace(String endpoint) throws ConnectorException {
    Duration d = Duration.between(clock.instant(), slowUntil);
    if (!d.isNegative() && !d.isZero()) {
      sleep(d.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : d);
    }
    EndpointLimit limit = limits.get(endpoint);
    if (limit != null) {
      Duration w = limit.reserve();
      if (!w.isZero()) {
        sleep(w);
      }
    }
  }

  private Duration rateLimitWait(Headers h, int attempt) {
    return RetryAfter.parse(h.get("Retry-After"), clock)
        .or(() -> first(h, headers.reset()).flatMap(v -> RetryAfter.untilReset(v, clock)))
        .orElseGet(() -> backoff(attempt));
  }

  private Duration backoff(int attempt) {
    return Jitter.exponential(BACKOFF_BASE, BACKOFF_MAX, attempt, random);
  }

  private void sleep(Duration d) throws ConnectorException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectorException(Kind.TRANSIENT, "interrupted while waiting", null, e);
    }
  }

  private static Optional<String> first(Headers h, java.util.List<String> names) {
    for (String n : names) {
      String v = h.get(n);
      if (v != null) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private static Optional<Double> number(Headers h, java.util.List<String> names) {
    return first(h, names)
        .flatMap(
            v -> {
              try {
                return Optional.of(Double.parseDouble(v.trim()));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  /** Builds an {@link ApiClient}. */
  public static final class Builder {
    private final HttpSettings settings;
    private final RequestListener listener;
    private final Clock clock;
    private Auth auth = Auth.NONE;
    private ErrorPolicy errors = ErrorPolicy.standard();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private RateLimitHeaders headers = RateLimitHeaders.COMMON;
    private final Map<String, EndpointLimit> limits = new HashMap<>();
    private final Map<String, Double> costs = new HashMap<>();
    private Double defaultCost;

    private Builder(HttpSettings settings, RequestListener listener, Clock clock) {
      this.settings = settings;
      this.listener = listener;
      this.clock = clock;
    }

    /** The credentials; an {@link OAuth2} gets its own token cache for this client. */
    public Builder auth(Auth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /**
     * The vendor's status → action rules, when they differ from {@link ErrorPolicy#standard()}
     * (e.g. Salesforce's 403 {@code REQUEST_LIMIT_EXCEEDED} is a rate limit).
     */
    public Builder errors(ErrorPolicy errors) {
      this.errors = Objects.requireNonNull(errors, "errors");
      return this;
    }

    /** Tests pass a recording sleeper. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    public Builder rateLimitHeaders(RateLimitHeaders headers) {
      this.headers = headers;
      return this;
    }

    /** A vendor's own limit for one endpoint. */
    public Builder limit(String endpoint, EndpointLimit limit) {
      limits.put(endpoint, limit);
      return this;
    }

    /**
     * What one request to {@code endpoint} costs in the vendor's credits when its answer does not
     * say ({@link RateLimitHeaders#used()}); e.g. Freshdesk's ticket list with {@code
     * include=stats} costs 3 (1 + 2 for the stats).
     */
    public Builder cost(String endpoint, double credits) {
      if (credits < 0) {
        throw new IllegalArgumentException("a cost is not negative");
      }
      costs.put(endpoint, credits);
      return this;
    }

    /**
     * What a request to any endpoint without its own {@link #cost} costs (a credit-metered API).
     */
    public Builder defaultCost(double credits) {
      if (credits < 0) {
        throw new IllegalArgumentException("a cost is not negative");
      }
      this.defaultCost = credits;
      return this;
    }

    public ApiClient build() {
      return new ApiClient(this);
    }
  }
}
