package io.cxexporter.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny HTTP client for tests against the exporter on loopback. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  public static HttpResponse<String> get(int port, String path, String... headers) {
    return send(
        HttpRequest.newBuilder(uri(port, path)).GET(),
        headers,
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<byte[]> getBytes(int port, String path, String... headers) {
    return send(
        HttpRequest.newBuilder(uri(port, path)).GET(),
        headers,
        HttpResponse.BodyHandlers.ofByteArray());
  }

  public static HttpResponse<String> post(int port, String path) {
    return send(
        HttpRequest.newBuilder(uri(port, path)).POST(HttpRequest.BodyPublishers.noBody()),
        new String[0],
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static <T> HttpResponse<T> send(
      HttpRequest.Builder b, String[] headers, HttpResponse.BodyHandler<T> handler) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(), handler);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
