package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * A parsed 2xx answer: the request that was sent (paginators derive the next one from it), the
 * headers (for Link pagination and rate limits) and the JSON body.
 */
public record ApiResponse(Request request, int code, Headers headers, JsonNode body) {

  /** The answer to a GET of {@code url} (tests, paginators that only know URLs). */
  public ApiResponse(HttpUrl url, int code, Headers headers, JsonNode body) {
    this(Request.get(url), code, headers, body);
  }

  /** The URL asked. */
  public HttpUrl url() {
    return request.url();
  }
}
