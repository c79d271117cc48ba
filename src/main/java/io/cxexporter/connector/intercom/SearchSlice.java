package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.http.WatermarkCursor;
import io.cxexporter.model.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of an Intercom search ({@code POST /conversations/search}, {@code POST /tickets/search})
 * as a closed time slice: {@code updated_at > since AND updated_at < until}, where {@code until} is
 * the time the pass began and stays fixed for its pages. Intercom does not document the order of
 * search results, so the watermark cannot follow the newest record read; with the slice closed at
 * {@code until}, every record changed up to then has been read once the last page is, whatever the
 * order, and the next pass starts at {@code until − overlap} (conversations indexed late, clock
 * skew). Both operators are "or equal" in Intercom's docs: the records at the edges are read again
 * and upserted by id, never counted twice.
 *
 * <p>Paging is {@code pagination.starting_after} in the body, from {@code
 * pages.next.starting_after} of the page before, until a page has no {@code pages.next}. The token
 * stored in the cursor is {@code <until>:<starting_after>}, so a pass resumed after a restart asks
 * the same slice. Progress inside a pass is {@code pages.page / pages.total_pages}.
 */
final class SearchSlice implements Paginator {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Logger LOG = LoggerFactory.getLogger(SearchSlice.class);

  private final HttpUrl base;
  private final String path;
  private final String version;
  private final int perPage;
  private final Duration overlap;
  private final Clock clock;
  private final List<ObjectNode> filters;

  /** {@code pages.page / pages.total_pages} of the last page read, or null. */
  private volatile Double progress;

  SearchSlice(
      HttpUrl base, String path, String version, int perPage, Duration overlap, Clock clock) {
    this(base, path, version, perPage, overlap, clock, List.of());
  }

  /** A slice narrowed by more {@code filters}, ANDed after the two on {@code updated_at}. */
  SearchSlice(
      HttpUrl base,
      String path,
      String version,
      int perPage,
      Duration overlap,
      Clock clock,
      List<ObjectNode> filters) {
    this.filters = List.copyOf(filters);
    this.base = base;
    this.path = path;
    this.version = version;
    this.perPage = perPage;
    this.overlap = overlap;
    this.clock = clock;
  }

  /** The first page of a pass from {@code since}: the slice ends now. */
  Request first(long since) {
    long until = Math.max(since, clock.instant().getEpochSecond());
    return Request.post(base, path, body(since, until, null)).header(IntercomApi.VERSION, version);
  }

  /**
   * The search body: {@code {"query": {"operator": "AND", "value": [updated_at > since, updated_at
   * < until]}, "pagination": {"per_page": n[, "starting_after": c]}}}.
   */
  ObjectNode body(long since, long until, String startingAfter) {
    ObjectNode body = NODES.objectNode();
    ObjectNode query = body.putObject("query");
    query.put("operator", "AND");
    ArrayNode all = query.putArray("value");
    all.addObject().put("field", "updated_at").put("operator", ">").put("value", since);
    all.addObject().put("field", "updated_at").put("operator", "<").put("value", until);
    this.filters.forEach(f -> all.add(f.deepCopy()));
    ObjectNode pagination = body.putObject("pagination");
    pagination.put("per_page", perPage);
    if (startingAfter != null) {
      pagination.put("starting_after", startingAfter);
    }
    return body;
  }

  @Override
  public Step next(ApiResponse page) throws ConnectorException {
    JsonNode sent = page.request().body();
    long since = sent.at("/query/value/0/value").asLong();
    long until = sent.at("/query/value/1/value").asLong();
    JsonNode pages = page.body().path("pages");
    int at = pages.path("page").asInt(0);
    int total = pages.path("total_pages").asInt(0);
    progress = at > 0 && total > 0 ? Math.min(1.0, (double) at / total) : null;
    String next = Paginator.text(pages.path("next").path("starting_after"));
    if (next != null) {
      return Step.more(until + ":" + next);
    }
    return Step.lastSince(Math.max(since, until - overlap.getSeconds()));
  }

  @Override
  public Request follow(Request first, String token) {
    int colon = token.indexOf(':');
    long until;
    try {
      until = Long.parseLong(token.substring(0, Math.max(colon, 0)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a search slice token: " + token, e);
    }
    long since = first.body().at("/query/value/0/value").asLong();
    return first.withBody(body(since, until, token.substring(colon + 1)));
  }

  /**
   * Reads a page; when Intercom refuses a page token of the pass ({@code 400} and other permanent
   * answers to a request with {@code starting_after}: whether its cursors expire is not
   * documented), the pass starts again at page 1 of the same {@code since}, once, instead of
   * failing on the stored token forever. Conversations already read in the pass are read again and
   * upserted, not counted twice.
   */
  static Page readOrRestart(PagedStream pages, Cursor from, String key) throws ConnectorException {
    try {
      return pages.read(from);
    } catch (ConnectorException e) {
      WatermarkCursor at = WatermarkCursor.parse(from, key, 0);
      if (e.kind() != ConnectorException.Kind.PERMANENT || at.token() == null) {
        throw e;
      }
      LOG.warn(
          "{} refused the page token of a pass ({}); reading the pass again from {}",
          pages.endpoint(),
          e.getMessage(),
          at.since());
      return pages.read(at.at(at.since()).cursor());
    }
  }

  /** How far the pass is, from the last page's {@code pages}; null when it did not say. */
  Double progress() {
    return progress;
  }
}
