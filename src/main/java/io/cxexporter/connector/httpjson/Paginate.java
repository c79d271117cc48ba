package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import java.util.List;
import java.util.Optional;

/**
 * A {@code paginate:} block, exactly one of:
 *
 * <pre>{@code
 * {link_header: next}                                         # Link: <...>; rel="next"
 * {next_url: "$.next_page"}                                   # a next-page URL in the body
 * {cursor: {param: cursor, path: "$.after_cursor", stop: "$.end_of_stream"}}
 * {cursor: {param: page[after], path: "$.meta.after_cursor", more: "$.meta.has_more"}}
 * {cursor: {param: starting_after, path: "$.pages.next.starting_after"}}   # until missing
 * {cursor: {param: cursor, path: "$.after_cursor", stop: "$.end_of_stream",
 *           drop_params: [start_time]}}                     # follow-ups send the cursor alone
 * {cursor: {body: "$.after", path: "$.paging.next.after"}}   # POST: sent back in the body
 * {page: {param: page, start: 1, size: 100}}                  # a short (or empty) page is the last
 * {offset: {param: offset, limit_param: limit, limit: 100}}   # a short page is the last
 * }</pre>
 *
 * Absent: one page per pass. Paths here are simple ({@code $.a.b}): the kit's paginators read JSON
 * pointers.
 */
sealed interface Paginate {
  static final List<String> STYLES = List.of("link_header", "next_url", "cursor", "page", "offset");

  /** The kit paginator for a stream whose records are at {@code itemsPointer}. */
  Paginator paginator(String itemsPointer);

  /** True when the token travels in the POST body. */
  default boolean inBody() {
    return false;
  }

  /** Extra query parameters of a pass's first request (the offset style's limit). */
  default Request first(Request r) {
    return r;
  }

  /** Reads the block at {@code key} of {@code s}; {@link None} when absent or bad. */
  static Paginate read(Settings s, String key) {
    Optional<Settings> block = s.optionalObject(key);
    if (block.isEmpty()) {
      return new None();
    }
    Settings p = block.get();
    List<String> given = STYLES.stream().filter(p::has).toList();
    if (given.size() != 1) {
      p.problem(
          null,
          given.isEmpty()
              ? "expected one of " + String.join(", ", STYLES)
              : "expected one of "
                  + String.join(", ", STYLES)
                  + ", got "
                  + String.join(" and ", given));
      p.markAllRead();
      return new None();
    }
    return switch (given.get(0)) {
      case "link_header" -> {
        String rel = p.string("link_header");
        if (!"next".equals(rel)) {
          p.problem("link_header", "only rel=\"next\" is followed: write link_header: next");
        }
        yield new LinkHeader();
      }
      case "next_url" -> new NextUrl(pointer(p, "next_url", p.string("next_url")));
      case "cursor" -> {
        Settings c = p.object("cursor");
        String param = null;
        String body = null;
        if (c.has("param") == c.has("body")) {
          c.problem(
              null,
              "expected param (a query parameter) or body (a path in the POST body), not both");
          c.optionalString("param");
          c.optionalString("body");
        } else if (c.has("body")) {
          body = pointer(c, "body", c.string("body"));
        } else {
          param = c.string("param");
        }
        String path = pointer(c, "path", c.string("path"));
        String stop = c.optionalString("stop").map(v -> pointer(c, "stop", v)).orElse(null);
        String more = c.optionalString("more").map(v -> pointer(c, "more", v)).orElse(null);
        if (stop != null && more != null) {
          c.problem("more", "set stop or more, not both");
        }
        if (body != null && (stop != null || more != null)) {
          c.problem("body", "a body cursor is followed until it is missing: drop stop and more");
        }
        List<String> drop = c.has("drop_params") ? c.strings("drop_params") : List.of();
        if (body != null && !drop.isEmpty()) {
          c.problem("drop_params", "only with a query-parameter cursor (param)");
        }
        yield new Cursor(param, body, path, stop, more, List.copyOf(drop));
      }
      case "page" -> {
        Settings c = p.object("page");
        String param = c.string("param");
        long start = c.longValue("start", 1, 0, 1);
        int size = c.intValue("size", 0, 1, 100_000);
        yield new PageNumber(param, start, size);
      }
      default -> {
        Settings c = p.object("offset");
        String param = c.string("param");
        String limitParam = c.string("limit_param");
        int limit = c.intValue("limit", 100, 1, 100_000);
        yield new Offset(param, limitParam, limit);
      }
    };
  }

  /** A simple path as a JSON pointer; a problem naming {@code key} when it is not simple. */
  private static String pointer(Settings s, String key, String path) {
    if (path == null) {
      return "";
    }
    JsonPaths.compile(s, key, path);
    String p = JsonPaths.pointer(path);
    if (p == null && path.startsWith("$")) {
      s.problem(
          key,
          "expected a simple path like $.meta.next (no wildcards or filters), got \""
              + path
              + "\"");
      return "";
    }
    return p == null ? "" : p;
  }

  /** One page per pass. */
  record None() implements Paginate {
    @Override
    public Paginator paginator(String itemsPointer) {
      return new Paginator() {
        @Override
        public Step next(ApiResponse page) {
          return Step.last();
        }

        @Override
        public Request follow(Request first, String token) {
          return first;
        }
      };
    }
  }

  record LinkHeader() implements Paginate {
    @Override
    public Paginator paginator(String itemsPointer) {
      return Paginator.linkHeader();
    }
  }

  record NextUrl(String pointer) implements Paginate {
    @Override
    public Paginator paginator(String itemsPointer) {
      return Paginator.nextUrl(pointer);
    }
  }

  /**
   * A body cursor sent back as {@code param}: with {@code stop}, the kit's resumable cursor (the
   * last page's cursor is where the next pass resumes); with {@code more}, while that flag is true;
   * else until the cursor is missing. With {@code body} (a JSON pointer), it goes back in the POST
   * body instead. The query parameters named in {@code drop} (a first request's time filter, when
   * the vendor refuses it next to a cursor) are left out of every follow-up request.
   */
  record Cursor(
      String param, String body, String pointer, String stop, String more, List<String> drop)
      implements Paginate {
    @Override
    public boolean inBody() {
      return body != null;
    }

    @Override
    public Paginator paginator(String itemsPointer) {
      if (body != null) {
        return Paginator.bodyToken(pointer, body);
      }
      String[] replaces = drop.toArray(String[]::new);
      if (stop != null) {
        return Paginator.cursor(pointer, stop, param, replaces);
      }
      Paginator p =
          more != null
              ? Paginator.cursorWhile(pointer, more, param)
              : Paginator.token(pointer, param);
      return drop.isEmpty() ? p : dropping(p, drop);
    }

    /** {@code p} with the {@code drop} parameters removed from each follow-up request. */
    private static Paginator dropping(Paginator p, List<String> drop) {
      return new Paginator() {
        @Override
        public Step next(ApiResponse page) throws io.cxexporter.connector.ConnectorException {
          return p.next(page);
        }

        @Override
        public Request follow(Request first, String token) {
          Request r = first;
          for (String name : drop) {
            r = r.withoutQuery(name);
          }
          return p.follow(r, token);
        }

        @Override
        public boolean wellFormed(ApiResponse page) {
          return p.wellFormed(page);
        }
      };
    }
  }

  /**
   * {@code param=start} on the first request, then +1 while pages are full ({@code size}), or while
   * they are not empty when the size is not given.
   */
  record PageNumber(String param, long start, int size) implements Paginate {
    @Override
    public Request first(Request r) {
      return r.query(param, Long.toString(start));
    }

    @Override
    public Paginator paginator(String itemsPointer) {
      return counting(param, itemsPointer, size, start, false);
    }
  }

  /** {@code param} advanced by the records read, {@code limit_param=limit} on every request. */
  record Offset(String param, String limitParam, int limit) implements Paginate {
    @Override
    public Request first(Request r) {
      return r.query(param, "0").query(limitParam, Integer.toString(limit));
    }

    @Override
    public Paginator paginator(String itemsPointer) {
      return counting(param, itemsPointer, limit, 0, true);
    }
  }

  private static Paginator counting(
      String param, String itemsPointer, int size, long start, boolean byItems) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        JsonNode items = page.body().at(itemsPointer);
        int n = items.isArray() ? items.size() : 0;
        if (n == 0 || (size > 0 && n < size)) {
          return Step.last();
        }
        String current = page.request().queryParameter(param);
        long at = current == null ? start : Long.parseLong(current);
        return Step.more(Long.toString(byItems ? at + n : at + 1));
      }

      @Override
      public Request follow(Request first, String token) {
        return first.query(param, token);
      }
    };
  }
}
