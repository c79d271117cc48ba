package io.cxexporter.connector.http;

import io.cxexporter.config.Secret;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.RequestListener;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * OAuth 2.0 access tokens from a token endpoint (RFC 6749): the client-credentials grant (Help
 * Scout, Salesforce) or the refresh-token grant (Zoho Desk, Salesforce). This object is the
 * validated configuration; each {@link ApiClient} it is given to keeps its own token, fetched on
 * first use, reused by every stream of the connector, fetched again shortly before it expires (when
 * less than max(60 s, 10% of its lifetime) is left, by the client's clock) and after a {@code 401}.
 * At most one token request runs at a time; a refresh token the endpoint rotates replaces the old
 * one. Token requests are reported to the listener as endpoint {@code oauth/token}.
 *
 * <pre>{@code
 * Auth helpScout = OAuth2.clientCredentials(
 *     HttpUrl.get("https://api.helpscout.net/v2/oauth2/token"), appId, appSecret);
 * Auth zoho = OAuth2.refreshToken(accountsUrl, clientId, clientSecret, refreshToken)
 *     .scheme("Zoho-oauthtoken");
 * Auth fromConfig = OAuth2.read(s.object("auth")).orElse(Auth.NONE);
 * ApiClient api = ApiClient.builder(http, ctx).auth(helpScout).build();
 * }</pre>
 *
 * <p>Token endpoint failures become {@link io.cxexporter.connector.ConnectorException}s thrown by
 * the request that needed the token: AUTH for a rejected client or grant (400/401/403, or an {@code
 * error} in a 2xx answer), RATE_LIMITED for 429, TRANSIENT for 408, 5xx, timeouts and connection
 * errors, BAD_RESPONSE for an answer without an access token, PERMANENT for any other status
 * (redirects are not followed: they would carry the client secret elsewhere). Messages name the
 * token endpoint (without its query), the status and the OAuth error code; never a secret, a token
 * or the endpoint's {@code error_description}.
 */
public final class OAuth2 implements Auth {
  /** The endpoint name token requests are reported under. */
  public static final String ENDPOINT = "oauth/token";

  /** The grant a token is asked for with. */
  enum Grant {
    CLIENT_CREDENTIALS("client_credentials"),
    REFRESH_TOKEN("refresh_token");

    final String wire;

    Grant(String wire) {
      this.wire = wire;
    }
  }

  final Grant grant;
  final HttpUrl tokenUrl;
  final String clientId;
  final Secret clientSecret;
  final Secret refreshToken;
  final String scope;
  final boolean basicClientAuth;
  final String scheme;

  private OAuth2(
      Grant grant,
      HttpUrl tokenUrl,
      String clientId,
      Secret clientSecret,
      Secret refreshToken,
      String scope,
      boolean basicClientAuth,
      String scheme) {
    this.grant = grant;
    this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    this.clientSecret = clientSecret;
    this.refreshToken = refreshToken;
    this.scope = scope;
    this.basicClientAuth = basicClientAuth;
    this.scheme = scheme;
  }

  /**
   * The client-credentials grant: {@code grant_type=client_credentials} with the client's id and
   * secret.
   *
   * @param scopes sent space-separated as {@code scope}; none sends no scope
   * @throws IllegalArgumentException when the client id is blank
   */
  public static OAuth2 clientCredentials(
      HttpUrl tokenUrl, String clientId, Secret clientSecret, String... scopes) {
    Objects.requireNonNull(clientSecret, "clientSecret");
    String scope =
        scopes.length == 0
            ? null
            : Arrays.stream(scopes).map(String::strip).collect(Collectors.joining(" "));
    return new OAuth2(
        Grant.CLIENT_CREDENTIALS,
        tokenUrl,
        clientId,
        clientSecret,
        null,
        scope == null || scope.isBlank() ? null : scope,
        false,
        "Bearer");
  }

  /**
   * The refresh-token grant: {@code grant_type=refresh_token} with a long-lived refresh token.
   *
   * @param clientSecret null for a public client, which sends its id only
   * @throws IllegalArgumentException when the client id is blank
   */
  public static OAuth2 refreshToken(
      HttpUrl tokenUrl, String clientId, Secret clientSecret, Secret refreshToken) {
    return new OAuth2(
        Grant.REFRESH_TOKEN,
        tokenUrl,
        clientId,
        clientSecret,
        Objects.requireNonNull(refreshToken, "refreshToken"),
        null,
        false,
        "Bearer");
  }

  /**
   * The same credentials sending the client id and secret as HTTP Basic ({@code
   * client_secret_basic}) instead of form fields ({@code client_secret_post}, the default).
   *
   * @throws IllegalStateException for a public client (no secret)
   */
  public OAuth2 basicClientAuth() {
    if (clientSecret == null) {
      throw new IllegalStateException("HTTP Basic client authentication needs a client secret");
    }
    return new OAuth2(grant, tokenUrl, clientId, clientSecret, refreshToken, scope, true, scheme);
  }

  /**
   * The same credentials sending the access token as {@code Authorization: <scheme> <token>}, for a
   * vendor that wants other than {@code Bearer} (Zoho: {@code Zoho-oauthtoken}).
   *
   * @throws IllegalArgumentException when the scheme is blank or contains white space
   */
  public OAuth2 scheme(String scheme) {
    Objects.requireNonNull(scheme, "scheme");
    if (scheme.isEmpty() || scheme.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("scheme must be one word, got \"" + scheme + "\"");
    }
    return new OAuth2(
        grant, tokenUrl, clientId, clientSecret, refreshToken, scope, basicClientAuth, scheme);
  }

  /**
   * Reads an OAuth2 {@code auth} block whose {@code token_url} is required; see {@link
   * #read(Settings, HttpUrl)}.
   */
  public static Optional<OAuth2> read(Settings auth) {
    return read(auth, null);
  }

  /**
   * Reads an OAuth2 {@code auth} block; problems go to {@code auth} with their paths, and the
   * result is empty when there was any.
   *
   * <pre>{@code
   * auth:
   *   token_url: https://acme.my.salesforce.com/services/oauth2/token  # when the vendor has no default
   *   client_id: 3MVG9...
   *   client_secret_file: /run/secrets/sf-client-secret    # or client_secret: "${SF_SECRET}"
   *   refresh_token_file: /run/secrets/sf-refresh-token    # optional: the refresh-token grant;
   *                                                        # without it, client credentials
   *   scope: "api refresh_token"                           # optional, sent as written
   *   client_auth: form                                    # or basic (HTTP Basic client auth)
   * }</pre>
   *
   * @param defaultTokenUrl the vendor's token endpoint when the block names none; null makes {@code
   *     token_url} required
   */
  public static Optional<OAuth2> read(Settings auth, HttpUrl defaultTokenUrl) {
    int before = auth.problems().messages().size();
    HttpUrl tokenUrl = defaultTokenUrl;
    if (defaultTokenUrl == null || auth.has("token_url")) {
      String text = auth.string("token_url");
      tokenUrl = text == null ? null : HttpUrl.parse(text);
      if (text != null && tokenUrl == null) {
        auth.problem(
            "token_url",
            "expected an http(s) URL like https://login.example.com/oauth2/token, got \""
                + text
                + "\"");
      }
    }
    String clientId = auth.string("client_id");
    if (clientId != null && clientId.isBlank()) {
      auth.problem("client_id", "is empty");
    }
    Optional<Secret> refresh = auth.secret("refresh_token");
    boolean refreshGrant = auth.has("refresh_token") || auth.has("refresh_token_file");
    Secret secret =
        refreshGrant
            ? auth.secret("client_secret").orElse(null)
            : auth.requiredSecret("client_secret");
    String scope = auth.optionalString("scope").map(String::strip).orElse(null);
    String clientAuth = auth.string("client_auth", "form");
    if (!clientAuth.equals("form") && !clientAuth.equals("basic")) {
      auth.problem("client_auth", "expected form or basic, got \"" + clientAuth + "\"");
    } else if (clientAuth.equals("basic")
        && secret == null
        && !auth.has("client_secret")
        && !auth.has("client_secret_file")) {
      auth.problem("client_auth", "basic needs client_secret (or client_secret_file)");
    }
    if (auth.problems().messages().size() != before) {
      return Optional.empty();
    }
    OAuth2 o =
        refreshGrant
            ? refreshToken(tokenUrl, clientId, secret, refresh.orElseThrow())
            : clientCredentials(tokenUrl, clientId, secret);
    if (scope != null && !scope.isEmpty()) {
      o = o.withScope(scope);
    }
    return Optional.of(clientAuth.equals("basic") ? o.basicClientAuth() : o);
  }

  private OAuth2 withScope(String scope) {
    return new OAuth2(
        grant, tokenUrl, clientId, clientSecret, refreshToken, scope, basicClientAuth, scheme);
  }

  /**
   * Not for direct use: an {@link ApiClient} {@link #forClient binds} these credentials to its own
   * token cache.
   *
   * @throws IllegalStateException always
   */
  @Override
  public void apply(okhttp3.Request.Builder request) {
    throw new IllegalStateException(
        "OAuth2 credentials work through ApiClient.builder(...).auth(...), which binds them");
  }

  /** A token cache for one client: its HTTP client, listener and clock. */
  @Override
  public Auth forClient(OkHttpClient http, RequestListener listener, Clock clock) {
    return new TokenSession(this, http, listener, clock);
  }

  /** The token endpoint as messages show it: scheme, host, port and path, never the query. */
  String endpointForMessages() {
    return tokenUrl
        .newBuilder()
        .query(null)
        .fragment(null)
        .username("")
        .password("")
        .build()
        .toString();
  }

  /** Grant, endpoint and client id; never a secret. */
  @Override
  public String toString() {
    return "OAuth2(" + grant.wire + ", " + endpointForMessages() + ", client_id=" + clientId + ")";
  }
}
