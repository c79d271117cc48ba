package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Where the next page is, as a strategy per vendor style, never an ad-hoc loop:
 *
 * <ul>
 *   <li>{@link #cursor}: a cursor in the body plus an end flag (Zendesk {@code after_cursor} /
 *       {@code end_of_stream}, Gorgias {@code meta.next_cursor});
 *   <li>{@link #nextUrl}: a next-page URL in the body (Zendesk {@code links.next}, Salesforce
 *       {@code nextRecordsUrl}, Help Scout {@code _links.next.href});
 *   <li>{@link #linkHeader}: RFC 8288 {@code Link: <...>; rel="next"} (Freshdesk, ServiceNow);
 *   <li>{@link #pageNumber}: {@code page=N} until a short page (LiveAgent, Zoho).
 * </ul>
 */
@FunctionalInterface
public interface Paginator {

  /** The next page's URL, or empty when this was the last page. */
  Optional<HttpUrl> next(ApiResponse page);

  /**
   * A cursor at JSON pointer {@code cursorPointer}, sent back as {@code param}; stops when the
   * boolean at {@code endPointer} is true or the cursor is missing.
   */
  static Paginator cursor(String cursorPointer, String endPointer, String param) {
    return page -> {
      JsonNode end = page.body().at(endPointer);
      JsonNode c = page.body().at(cursorPointer);
      if (end.asBoolean(false) || c.isMissingNode() || c.isNull() || c.asText().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(page.url().newBuilder().setQueryParameter(param, c.asText()).build());
    };
  }

  /** A full next-page URL at JSON pointer {@code pointer}; null or missing ends. */
  static Paginator nextUrl(String pointer) {
    return page -> {
      JsonNode n = page.body().at(pointer);
      if (n.isMissingNode() || n.isNull() || n.asText().isEmpty()) {
        return Optional.empty();
      }
      return Optional.ofNullable(page.url().resolve(n.asText()));
    };
  }

  /** The {@code rel="next"} target of the {@code Link} header. */
  static Paginator linkHeader() {
    Pattern next = Pattern.compile("<([^>]+)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?");
    return page -> {
      for (String link : page.headers().values("Link")) {
        Matcher m = next.matcher(link);
        if (m.find()) {
          return Optional.ofNullable(page.url().resolve(m.group(1)));
        }
      }
      return Optional.empty();
    };
  }

  /**
   * {@code param=N+1} while the array at {@code itemsPointer} holds {@code pageSize} items (a short
   * page is the last).
   */
  static Paginator pageNumber(String param, String itemsPointer, int pageSize) {
    return page -> {
      JsonNode items = page.body().at(itemsPointer);
      if (!items.isArray() || items.size() < pageSize) {
        return Optional.empty();
      }
      String current = page.url().queryParameter(param);
      int n = current == null ? 1 : Integer.parseInt(current);
      return Optional.of(
          page.url().newBuilder().setQueryParameter(param, Integer.toString(n + 1)).build());
    };
  }
}
