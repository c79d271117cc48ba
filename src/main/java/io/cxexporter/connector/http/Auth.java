package io.cxexporter.connector.http;

import io.cxexporter.config.Secret;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.RequestListener;
import java.time.Clock;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;

/**
 * Adds credentials to each request {@link ApiClient} sends; the secret is read only here, never
 * logged. Static credentials are fixed headers; a token that expires (OAuth2) fetches and caches
 * its token and can {@link #refresh()} it after a 401.
 *
 * <pre>{@code
 * Auth auth = Auth.basic(email + "/token", token);       // Zendesk
 * Auth auth = Auth.header("X-Api-Key", key);              // a vendor's own header
 * Auth auth = OAuth2.clientCredentials(tokenUrl, id, secret); // fetched, cached, refreshed
 * }</pre>
 */
public interface Auth {
  /** No credentials (a public API, tests). */
  Auth NONE = b -> {};

  /**
   * Adds the credentials to a request about to be sent.
   *
   * @throws ConnectorException when a token cannot be obtained (AUTH for a rejected client, else as
   *     the token endpoint's answer says)
   */
  void apply(okhttp3.Request.Builder request) throws ConnectorException;

  /**
   * Called once after a 401: drops a cached token so that the next {@link #apply} gets a new one.
   *
   * @return true when a retry with new credentials may succeed (an OAuth2 token), false for static
   *     credentials, whose 401 is final
   */
  default boolean refresh() {
    return false;
  }

  /**
   * The credentials as one {@link ApiClient} uses them; called once when the client is built. An
   * Auth that talks HTTP itself ({@link OAuth2} asking its token endpoint) gets the client's {@code
   * http} (the shared pool, the connector's timeouts), its request {@code listener} and its {@code
   * clock} here and returns the instance that holds its tokens; static credentials return
   * themselves.
   */
  default Auth forClient(OkHttpClient http, RequestListener listener, Clock clock) {
    return this;
  }

  /** HTTP Basic, e.g. Zendesk's {@code {email}/token:{token}}. */
  static Auth basic(String user, Secret password) {
    return b -> b.header("Authorization", Credentials.basic(user, password.reveal()));
  }

  /** {@code Authorization: Bearer ...} with a fixed token. */
  static Auth bearer(Secret token) {
    return b -> b.header("Authorization", "Bearer " + token.reveal());
  }

  /** A vendor's own header, e.g. {@code X-Api-Key}. */
  static Auth header(String name, Secret value) {
    return b -> b.header(name, value.reveal());
  }
}
