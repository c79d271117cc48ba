package io.cxexporter.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.util.ErrorTable;
import io.cxexporter.util.HttpClients;
import io.cxexporter.util.RetryAfter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * POSTs a JSON body and maps the outcome to {@link DeliveryException}: 2xx is success; 429 and 503
 * are retryable with their {@code Retry-After}; 408 and other 5xx, timeouts and connection errors
 * are retryable; any other status (4xx, and 3xx: redirects are not followed, a POST must not turn
 * into a GET) is not. Messages carry the notifier, the status and at most 200 characters of the
 * response with every secret fragment blanked out; never the URL.
 */
final class JsonPoster {
  /**
   * The client every notifier sends with: the process's shared client (one pool and dispatcher with
   * the connectors) with connect 5 s, whole call 15 s, no redirects.
   */
  static final OkHttpClient SHARED =
      HttpClients.shared()
          .newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .callTimeout(Duration.ofSeconds(15))
          .followRedirects(false)
          .followSslRedirects(false)
          .build();

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int SNIPPET = 200;

  private final OkHttpClient client;
  private final Clock clock;

  JsonPoster(OkHttpClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Posts {@code body} to {@code url}.
   *
   * @param what names the sender in messages, e.g. {@code slack notifier "chat"}
   * @param redact strings that must never appear in a message (tokens, URL parts)
   */
  void post(String what, String url, JsonNode body, List<String> redact) throws DeliveryException {
    byte[] bytes;
    try {
      bytes = Payloads.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new DeliveryException(false, what + ": cannot encode the payload");
    }
    Request request =
        new Request.Builder()
            .url(url)
            .header("User-Agent", "cx-exporter")
            .post(RequestBody.create(bytes, JSON))
            .build();
    try (Response r = client.newCall(request).execute()) {
      int code = r.code();
      if (code >= 200 && code < 300) {
        return;
      }
      String message = what + ": HTTP " + code + snippet(r, redact);
      switch (ErrorTable.classify(code)) {
        case RATE_LIMITED ->
            throw new DeliveryException(
                true, message, RetryAfter.parse(r.header("Retry-After"), clock).orElse(null));
        case RETRY -> throw new DeliveryException(true, message);
        default -> {
          if (code < 400) {
            message += " (redirects are not followed)";
          }
          throw new DeliveryException(false, message);
        }
      }
    } catch (InterruptedIOException e) {
      throw new DeliveryException(true, what + ": timed out");
    } catch (IOException e) {
      // The cause's message may name the host; the class name says enough.
      throw new DeliveryException(
          true, what + ": connection failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String snippet(Response r, List<String> redact) {
    String text;
    try {
      text = r.peekBody(2048).string();
    } catch (IOException e) {
      return "";
    }
    text = text.replaceAll("\\s+", " ").strip();
    for (String s : redact) {
      if (s != null && !s.isEmpty()) {
        text = text.replace(s, "<secret>");
      }
    }
    if (text.isEmpty()) {
      return "";
    }
    return " (" + (text.length() > SNIPPET ? text.substring(0, SNIPPET) + "..." : text) + ")";
  }
}
