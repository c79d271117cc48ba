package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.connector.ConnectorException;
import java.util.function.BiFunction;
import java.util.function.LongBinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * How a vendor says where the next page is, as a strategy, never an ad-hoc loop. A paginator reads
 * a page's answer and says what follows ({@link Step}): another page at a token, or the end of the
 * pass. Tokens are strings so that {@link PagedStream} can store them in the cursor; {@link
 * #follow} turns a token back into a request, derived from the first request of the pass, so a
 * restart continues the same pass.
 *
 * <ul>
 *   <li>{@link #cursor}: a body cursor plus an end flag (Zendesk {@code after_cursor} / {@code
 *       end_of_stream}); at the end the cursor is where the next pass resumes;
 *   <li>{@link #cursorWhile}: a body cursor while a "more" flag is true (Zendesk {@code
 *       meta.after_cursor} / {@code meta.has_more});
 *   <li>{@link #token}: a token sent back as a query parameter until it is missing (Jira {@code
 *       nextPageToken}, Gorgias {@code meta.next_cursor}, Intercom {@code starting_after});
 *   <li>{@link #bodyToken}: the same, sent back in a POST body (HubSpot {@code paging.next.after},
 *       Intercom search {@code pagination.starting_after});
 *   <li>{@link #nextUrl}: a next-page URL in the body (Help Scout {@code _links.next.href}, Front
 *       {@code _pagination.next});
 *   <li>{@link #soql}: Salesforce's {@code nextRecordsUrl} until {@code done};
 *   <li>{@link #linkHeader}: RFC 8288 {@code Link: <...>; rel="next"} (Freshdesk, ServiceNow);
 *   <li>{@link #pageNumber}: {@code page=N} until a short page (LiveAgent {@code _page});
 *   <li>{@link #offset}: {@code offset=N} until a short page (JSM {@code start}, Zoho Desk {@code
 *       from}).
 * </ul>
 */
public interface Paginator {

  /**
   * What follows {@code page} (its request is {@code page.request()}).
   *
   * @throws ConnectorException BAD_RESPONSE when the page says there is more but not where
   */
  Step next(ApiResponse page) throws ConnectorException;

  /**
   * The request for the page {@code token} points at, in the pass that began with {@code first}.
   */
  Request follow(Request first, String token);

  /** Whether the page has the fields this paginator reads; checked before anything is mapped. */
  default boolean wellFormed(ApiResponse page) {
    return true;
  }

  /**
   * What follows a page.
   *
   * @param more true when another page can be read now
   * @param token the next page's token; at the end, where the next pass resumes (or null: from the
   *     stream's watermark)
   * @param since a new watermark (epoch seconds) for time-based exports whose next page is "from
   *     this time on", or null
   */
  record Step(boolean more, String token, Long since) {
    /** Another page, at {@code token}. */
    public static Step more(String token) {
      return new Step(true, token, null);
    }

    /** Another page, of records from {@code epochSecond} on (a time-based export). */
    public static Step moreSince(long epochSecond) {
      return new Step(true, null, epochSecond);
    }

    /** The last page; the next pass starts from the stream's watermark. */
    public static Step last() {
      return new Step(false, null, null);
    }

    /** The last page; the next pass resumes at {@code token} (a cursor that never ends). */
    public static Step lastAt(String token) {
      return new Step(false, token, null);
    }

    /** The last page; the next pass reads from {@code epochSecond}. */
    public static Step lastSince(long epochSecond) {
      return new Step(false, null, epochSecond);
    }
  }

  /**
   * A cursor at JSON pointer {@code cursorPointer}, sent back as query {@code param} (replacing the
   * parameters named in {@code replaces}, e.g. the first request's {@code start_time}); the pass
   * ends when the boolean at {@code endPointer} is true, and the cursor of the last page is where
   * the next pass resumes. A page that says "not the end" without a cursor is BAD_RESPONSE.
   */
  static Paginator cursor(
      String cursorPointer, String endPointer, String param, String... replaces) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) throws ConnectorException {
        String c = text(page.body().at(cursorPointer));
        if (page.body().at(endPointer).asBoolean(false)) {
          return c == null ? Step.last() : Step.lastAt(c);
        }
        if (c == null) {
          throw new ConnectorException(
              ConnectorException.Kind.BAD_RESPONSE,
              "no " + cursorPointer.substring(cursorPointer.lastIndexOf('/') + 1) + " in a page");
        }
        return Step.more(c);
      }

      @Override
      public Request follow(Request first, String token) {
        Request r = first;
        for (String p : replaces) {
          r = r.withoutQuery(p);
        }
        return r.query(param, token);
      }

      @Override
      public boolean wellFormed(ApiResponse page) {
        return !page.body().at(endPointer).isMissingNode();
      }
    };
  }

  /**
   * A cursor at {@code cursorPointer}, sent back as query {@code param}, while the boolean at
   * {@code morePointer} is true; the next pass starts again from the stream's watermark.
   */
  static Paginator cursorWhile(String cursorPointer, String morePointer, String param) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        String c = text(page.body().at(cursorPointer));
        return page.body().at(morePointer).asBoolean(false) && c != null
            ? Step.more(c)
            : Step.last();
      }

      @Override
      public Request follow(Request first, String token) {
        return first.query(param, token);
      }

      @Override
      public boolean wellFormed(ApiResponse page) {
        return !page.body().at(morePointer).isMissingNode();
      }
    };
  }

  /** A token at {@code tokenPointer}, sent back as query {@code param}, until it is missing. */
  static Paginator token(String tokenPointer, String param) {
    return untilMissing(tokenPointer, (first, token) -> first.query(param, token));
  }

  /**
   * A token at {@code tokenPointer}, sent back in the POST body at {@code bodyPointer} (e.g. {@code
   * /after}, {@code /pagination/starting_after}), until it is missing.
   */
  static Paginator bodyToken(String tokenPointer, String bodyPointer) {
    int cut = bodyPointer.lastIndexOf('/');
    String field = bodyPointer.substring(cut + 1);
    return untilMissing(
        tokenPointer,
        (first, token) -> {
          ObjectNode body = first.body().deepCopy();
          JsonNode parent = cut == 0 ? body : body.withObject(bodyPointer.substring(0, cut));
          ((ObjectNode) parent).put(field, token);
          return first.withBody(body);
        });
  }

  /**
   * A token at {@code tokenPointer} until it is missing, turned into a request by {@code follow}.
   */
  private static Paginator untilMissing(
      String tokenPointer, BiFunction<Request, String, Request> follow) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        String t = text(page.body().at(tokenPointer));
        return t == null ? Step.last() : Step.more(t);
      }

      @Override
      public Request follow(Request first, String token) {
        return follow.apply(first, token);
      }
    };
  }

  /** A full or relative next-page URL at JSON pointer {@code pointer}; null or missing ends. */
  static Paginator nextUrl(String pointer) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        String n = text(page.body().at(pointer));
        return n == null ? Step.last() : Step.more(page.url().resolve(n).toString());
      }

      @Override
      public Request follow(Request first, String token) {
        return first.withUrl(HttpUrl.get(token));
      }
    };
  }

  /** Salesforce SOQL: {@code nextRecordsUrl} until {@code done} is true. */
  static Paginator soql() {
    Paginator next = nextUrl("/nextRecordsUrl");
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) throws ConnectorException {
        return page.body().path("done").asBoolean(true) ? Step.last() : next.next(page);
      }

      @Override
      public Request follow(Request first, String token) {
        return Request.get(HttpUrl.get(token));
      }

      @Override
      public boolean wellFormed(ApiResponse page) {
        return page.body().has("done");
      }
    };
  }

  /** The {@code rel="next"} target of the {@code Link} header. */
  static Paginator linkHeader() {
    Pattern rel = Pattern.compile("<([^>]+)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?");
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        for (String link : page.headers().values("Link")) {
          Matcher m = rel.matcher(link);
          if (m.find()) {
            HttpUrl u = page.url().resolve(m.group(1));
            if (u != null) {
              return Step.more(u.toString());
            }
          }
        }
        return Step.last();
      }

      @Override
      public Request follow(Request first, String token) {
        return first.withUrl(HttpUrl.get(token));
      }
    };
  }

  /**
   * {@code param=N+1} while the array at {@code itemsPointer} holds {@code pageSize} items (a short
   * page is the last); the first request has no {@code param} (page 1).
   */
  static Paginator pageNumber(String param, String itemsPointer, int pageSize) {
    return whileFull(param, itemsPointer, pageSize, 1, (current, read) -> current + 1);
  }

  /**
   * {@code param=offset} advanced by the items read, while the array at {@code itemsPointer} holds
   * {@code pageSize} items; the first request has no {@code param} (offset 0).
   */
  static Paginator offset(String param, String itemsPointer, int pageSize) {
    return whileFull(param, itemsPointer, pageSize, 0, (current, read) -> current + read);
  }

  /**
   * A number in query {@code param} ({@code first} when absent) moved on by {@code step(current,
   * items read)} while a page holds {@code pageSize} items.
   */
  private static Paginator whileFull(
      String param, String itemsPointer, int pageSize, long first, LongBinaryOperator step) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        JsonNode items = page.body().at(itemsPointer);
        if (!items.isArray() || items.size() < pageSize) {
          return Step.last();
        }
        String current = page.request().queryParameter(param);
        long at = current == null ? first : Long.parseLong(current);
        return Step.more(Long.toString(step.applyAsLong(at, items.size())));
      }

      @Override
      public Request follow(Request firstRequest, String token) {
        return firstRequest.query(param, token);
      }
    };
  }

  /** The text of a node, or null when it is missing, null or empty. */
  static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? null : n.asText();
  }
}
