package io.cxexporter.connector.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.config.Secret;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.ConnectorException.Kind;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.util.RetryAfter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The token cache of one {@link ApiClient} using {@link OAuth2} credentials: one access token
 * shared by every thread, fetched under a lock (so at most one token request runs), due again when
 * less than max(60 s, 10% of its lifetime) is left (at most half of it), and dropped after a 401. A
 * token whose answer gave no {@code expires_in} is used until a 401 says otherwise.
 */
final class TokenSession implements Auth {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MIN_MARGIN = Duration.ofSeconds(60);
  private static final long MAX_ANSWER_BYTES = 64 * 1024;

  /** RFC 6749 error codes are short ASCII words; anything else is not shown. */
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  private final OAuth2 spec;
  private final OkHttpClient http;
  private final RequestListener listener;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  /** The token each thread last sent, so that a 401 drops that token and not a newer one. */
  private final ThreadLocal<Token> sent = new ThreadLocal<>();

  private volatile Token token;

  /** The refresh token to send next; replaced when the endpoint rotates it. Guarded by lock. */
  private Secret refreshToken;

  /** An access token, and when to ask for the next one (null: when a 401 says so). */
  private record Token(Secret access, Instant refreshAt) {
    boolean due(Instant now) {
      return refreshAt != null && !now.isBefore(refreshAt);
    }
  }

  TokenSession(OAuth2 spec, OkHttpClient http, RequestListener listener, Clock clock) {
    this.spec = spec;
    // A redirect would carry the client secret or the refresh token to another address.
    this.http = http.newBuilder().followRedirects(false).followSslRedirects(false).build();
    this.listener = listener;
    this.clock = clock;
    this.refreshToken = spec.refreshToken;
  }

  @Override
  public void apply(okhttp3.Request.Builder request) throws ConnectorException {
    Token t = current();
    sent.set(t);
    request.header("Authorization", spec.scheme + " " + t.access().reveal());
  }

  /** Drops the token this thread sent (unless another thread replaced it already). */
  @Override
  public boolean refresh() {
    Token rejected = sent.get();
    lock.lock();
    try {
      if (rejected == null || token == rejected) {
        token = null;
      }
    } finally {
      lock.unlock();
    }
    return true;
  }

  private Token current() throws ConnectorException {
    Token t = token;
    if (t != null && !t.due(clock.instant())) {
      return t;
    }
    lock.lock();
    try {
      t = token;
      if (t == null || t.due(clock.instant())) {
        t = fetch();
        token = t;
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  /** Asks the token endpoint; called under the lock. */
  private Token fetch() throws ConnectorException {
    Instant asked = clock.instant();
    long t0 = System.nanoTime();
    int code;
    String body;
    String retryAfter;
    try (Response r = http.newCall(tokenRequest()).execute()) {
      code = r.code();
      body = r.peekBody(MAX_ANSWER_BYTES).string();
      retryAfter = r.header("Retry-After");
    } catch (IOException e) {
      report(e instanceof InterruptedIOException ? "timeout" : "error", t0);
      throw new ConnectorException(
          Kind.TRANSIENT, where() + ": " + e.getClass().getSimpleName(), null, null);
    }
    report(Integer.toString(code), t0);
    JsonNode json = parse(body);
    if (code >= 200 && code < 300) {
      return token(code, json, asked);
    }
    if (code == 400 || code == 401 || code == 403) {
      throw rejected(code, json);
    }
    Duration wait = RetryAfter.parse(retryAfter, clock).orElse(null);
    if (code == 429) {
      throw new ConnectorException(
          Kind.RATE_LIMITED, where() + ": HTTP 429, rate limited", wait, null);
    }
    if (code == 408 || code >= 500) {
      throw new ConnectorException(Kind.TRANSIENT, where() + ": HTTP " + code, wait, null);
    }
    throw new ConnectorException(
        Kind.PERMANENT,
        where() + ": HTTP " + code + (code < 400 ? " (redirects are not followed)" : ""));
  }

  private okhttp3.Request tokenRequest() {
    FormBody.Builder form = new FormBody.Builder().add("grant_type", spec.grant.wire);
    if (spec.grant == OAuth2.Grant.REFRESH_TOKEN) {
      form.add("refresh_token", refreshToken.reveal());
    }
    if (spec.scope != null) {
      form.add("scope", spec.scope);
    }
    okhttp3.Request.Builder rb =
        new okhttp3.Request.Builder().url(spec.tokenUrl).header("Accept", "application/json");
    if (spec.basicClientAuth) {
      // RFC 6749 2.3.1: id and secret are form-encoded before they are joined and base64-encoded
      rb.header(
          "Authorization",
          Credentials.basic(
              formEncode(spec.clientId),
              formEncode(spec.clientSecret.reveal()),
              StandardCharsets.UTF_8));
    } else {
      form.add("client_id", spec.clientId);
      if (spec.clientSecret != null) {
        form.add("client_secret", spec.clientSecret.reveal());
      }
    }
    return rb.post(form.build()).build();
  }

  private Token token(int code, JsonNode json, Instant asked) throws ConnectorException {
    if (json == null || !json.isObject()) {
      throw new ConnectorException(
          Kind.BAD_RESPONSE, where() + ": HTTP " + code + " without a JSON object");
    }
    JsonNode access = json.get("access_token");
    if (access == null || !access.isTextual() || access.asText().isEmpty()) {
      if (errorCode(json).isPresent()) {
        throw rejected(code, json); // Zoho answers some errors with a 200
      }
      throw new ConnectorException(
          Kind.BAD_RESPONSE, where() + ": HTTP " + code + " without an access_token");
    }
    JsonNode rotated = json.get("refresh_token");
    if (spec.grant == OAuth2.Grant.REFRESH_TOKEN
        && rotated != null
        && rotated.isTextual()
        && !rotated.asText().isEmpty()) {
      refreshToken = new Secret(rotated.asText());
    }
    Instant refreshAt =
        lifetime(json.get("expires_in")).map(l -> asked.plus(l).minus(margin(l))).orElse(null);
    return new Token(new Secret(access.asText()), refreshAt);
  }

  /** Refresh when less than max(60 s, 10%) of the lifetime is left, but not before half of it. */
  static Duration margin(Duration lifetime) {
    Duration tenth = lifetime.dividedBy(10);
    Duration m = tenth.compareTo(MIN_MARGIN) > 0 ? tenth : MIN_MARGIN;
    Duration half = lifetime.dividedBy(2);
    return m.compareTo(half) > 0 ? half : m;
  }

  /**
   * {@code expires_in} in seconds, as a number or a numeric string; empty when absent or not
   * positive.
   */
  private static Optional<Duration> lifetime(JsonNode n) {
    long s = 0;
    if (n != null && n.isNumber()) {
      s = n.asLong();
    } else if (n != null && n.isTextual()) {
      try {
        s = Long.parseLong(n.asText().trim());
      } catch (NumberFormatException e) {
        s = 0;
      }
    }
    return s > 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
  }

  private ConnectorException rejected(int code, JsonNode json) {
    return new ConnectorException(
        Kind.AUTH,
        where()
            + " rejected the client: HTTP "
            + code
            + errorCode(json).map(e -> " " + e).orElse(""));
  }

  /** The answer's {@code error} when it looks like an error code and echoes no secret. */
  private Optional<String> errorCode(JsonNode json) {
    JsonNode e = json == null ? null : json.get("error");
    if (e == null || !e.isTextual() || !ERROR_CODE.matcher(e.asText()).matches()) {
      return Optional.empty();
    }
    String code = e.asText();
    for (Secret s : new Secret[] {spec.clientSecret, refreshToken}) {
      if (s != null && code.contains(s.reveal())) {
        return Optional.empty();
      }
    }
    return Optional.of(code);
  }

  private static JsonNode parse(String body) {
    try {
      return body.isBlank() ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private String where() {
    return "OAuth2 token endpoint " + spec.endpointForMessages();
  }

  private void report(String code, long t0) {
    listener.onRequest(OAuth2.ENDPOINT, code, Duration.ofNanos(System.nanoTime() - t0));
    // as probe lists it: the endpoint without its query, the form body (with the secrets) unshown
    listener.onSent(
        "POST",
        spec.endpointForMessages(),
        spec.basicClientAuth ? java.util.Map.of("Authorization", "<redacted>") : java.util.Map.of(),
        code);
  }

  private static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The credentials' description; never a secret or a token. */
  @Override
  public String toString() {
    return spec.toString();
  }
}
