package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * One request to a vendor, as a value: method, URL (path and query), extra headers and a JSON body.
 * Paginators derive the next page's request from the one sent ({@code sent.query("page", "3")}), so
 * GET query cursors, next-URLs and POST body cursors are all the same kind of step. Credentials are
 * never part of it: {@link ApiClient} adds them when it sends.
 *
 * <pre>{@code
 * Request first = Request.get(base, "api/v2/satisfaction_ratings.json")
 *     .query("score", "received")
 *     .query("page[size]", "100");
 * Request search = Request.post(base, "crm/v3/objects/tickets/search", body);
 * }</pre>
 *
 * @param method {@code GET} or {@code POST}
 * @param url the absolute URL, query included
 * @param headers extra headers (e.g. a vendor's API version); never credentials
 * @param body the JSON body of a POST, or null
 */
public record Request(String method, HttpUrl url, Map<String, String> headers, JsonNode body) {
  public Request {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
    if (!method.equals("GET") && !method.equals("POST")) {
      throw new IllegalArgumentException("method must be GET or POST, got " + method);
    }
    if (method.equals("GET") && body != null) {
      throw new IllegalArgumentException("a GET has no body");
    }
  }

  /** A GET of {@code url}. */
  public static Request get(HttpUrl url) {
    return new Request("GET", url, Map.of(), null);
  }

  /** A GET of {@code path} (segments separated by {@code /}) below {@code base}. */
  public static Request get(HttpUrl base, String path) {
    return get(base.newBuilder().addPathSegments(path).build());
  }

  /** A POST of a JSON {@code body} to {@code path} below {@code base}. */
  public static Request post(HttpUrl base, String path, JsonNode body) {
    return new Request(
        "POST",
        base.newBuilder().addPathSegments(path).build(),
        Map.of(),
        Objects.requireNonNull(body, "body"));
  }

  /** The path of the URL, e.g. {@code /api/v2/groups.json}. */
  public String path() {
    return url.encodedPath();
  }

  /** The first value of a query parameter, or null. */
  public String queryParameter(String name) {
    return url.queryParameter(name);
  }

  /** The same request with {@code name=value} set (replacing earlier values). */
  public Request query(String name, String value) {
    return withUrl(url.newBuilder().setQueryParameter(name, value).build());
  }

  /**
   * The same request with {@code name} repeated once per value, in order ({@code role[]=agent&
   * role[]=admin}), replacing earlier values.
   */
  public Request query(String name, java.util.List<String> values) {
    HttpUrl.Builder b = url.newBuilder().removeAllQueryParameters(name);
    values.forEach(v -> b.addQueryParameter(name, v));
    return withUrl(b.build());
  }

  /** The same request without the query parameter {@code name}. */
  public Request withoutQuery(String name) {
    return withUrl(url.newBuilder().removeAllQueryParameters(name).build());
  }

  /** The same request to another URL (a next-page link), method, headers and body kept. */
  public Request withUrl(HttpUrl other) {
    return new Request(method, other, headers, body);
  }

  /** The same request with another JSON body (a POST body cursor). */
  public Request withBody(JsonNode other) {
    return new Request(method, url, headers, other);
  }

  /** The same request with one more header. */
  public Request header(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Request(method, url, h, body);
  }

  /** Method and path only: queries may hold ids or tokens, so messages never show them. */
  @Override
  public String toString() {
    return method + " " + path();
  }
}
