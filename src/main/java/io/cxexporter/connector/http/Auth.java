package io.cxexporter.connector.http;

import io.cxexporter.connector.Secret;
import java.util.function.Consumer;
import okhttp3.Credentials;
import okhttp3.Request;

/** Adds credentials to a request; the secret is read only here, never logged. */
public final class Auth {
  private Auth() {}

  /** HTTP Basic, e.g. Zendesk's {@code {email}/token:{token}}. */
  public static Consumer<Request.Builder> basic(String user, Secret password) {
    return b -> b.header("Authorization", Credentials.basic(user, password.reveal()));
  }

  /** {@code Authorization: Bearer ...} (OAuth tokens). */
  public static Consumer<Request.Builder> bearer(Secret token) {
    return b -> b.header("Authorization", "Bearer " + token.reveal());
  }

  /** A vendor's own header, e.g. {@code X-Api-Key}. */
  public static Consumer<Request.Builder> header(String name, Secret value) {
    return b -> b.header(name, value.reveal());
  }
}
