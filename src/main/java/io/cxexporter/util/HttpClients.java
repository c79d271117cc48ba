package io.cxexporter.util;

import okhttp3.OkHttpClient;

/**
 * The process's one {@link OkHttpClient}: vendor connectors and alert notifiers share its
 * connection pool, dispatcher and thread pools ("OkHttpClients should be shared"). A user that
 * needs other timeouts or redirect rules derives its own with {@link OkHttpClient#newBuilder()},
 * which keeps sharing them. Every call is tracked by {@link HttpCalls}, so a stopping connector's
 * hanging request can be cancelled.
 *
 * <pre>{@code
 * OkHttpClient notifiers =
 *     HttpClients.shared().newBuilder().callTimeout(Duration.ofSeconds(15)).build();
 * }</pre>
 */
public final class HttpClients {
  private static final OkHttpClient SHARED =
      new OkHttpClient.Builder().eventListenerFactory(HttpCalls.LISTENER).build();

  private HttpClients() {}

  /** The shared client, with OkHttp's defaults (10 s connect/read/write, redirects followed). */
  public static OkHttpClient shared() {
    return SHARED;
  }
}
