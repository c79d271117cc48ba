package io.cxexporter.connector.freshdesk;

import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.util.IsoInstant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * Freshdesk tickets from {@code GET /api/v2/tickets?updated_since=...&order_by=updated_at&
 * order_type=asc&per_page=100&include=stats}, a bare JSON array per page, paged by the {@code Link:
 * rel="next"} header. Freshdesk refuses pages past 300 of one query, so before page 301 the pass
 * restarts at page 1 with {@code updated_since} = the last ticket's {@code updated_at}.
 *
 * <p>The cursor is a watermark ({@code since=<epoch>}, inside a pass also {@code after=<next page
 * URL>;pages=<n>}). {@code updated_since} is inclusive, so the restart at the page cap, which
 * starts exactly at the last ticket's second, re-reads that second's tickets: their ids are kept in
 * the cursor ({@code seen=...}) and the repeated copies are dropped before mapping. A new pass (the
 * next poll, or after a restart of the exporter) starts {@code overlap} (default a minute) before
 * the newest ticket, for tickets Freshdesk indexes late; a re-read version is an upsert by id in
 * the store, never counted twice.
 *
 * <p>{@link #filtered} reads {@code filter=deleted} and {@code filter=spam} the same way and turns
 * every item into a tombstone; {@link io.cxexporter.connector.http.StreamSequence} runs the three
 * lists as the one {@code tickets} stream. The default list leaves deleted and spam tickets out.
 */
final class TicketsStream {
  /** The endpoint name (and list limit) of the ticket list. */
  static final String ENDPOINT = "tickets";

  /** The endpoint name of the deleted tickets' list; the same list sub-limit applies. */
  static final String DELETED_ENDPOINT = "tickets/deleted";

  /** The endpoint name of the spam list; the same list sub-limit applies. */
  static final String SPAM_ENDPOINT = "tickets/spam";

  private TicketsStream() {}

  /** What every ticket list is read with. */
  record Lists(
      ApiClient api,
      HttpUrl base,
      Clock clock,
      Duration backfill,
      Duration overlap,
      int perPage,
      int maxPages) {}

  static PagedStream create(
      Lists l, Directory directory, Map<String, TicketStatus> customStatuses) {
    FreshdeskMapper.Names names = names(directory);
    return builder("tickets", ENDPOINT, l, null)
        .first(since -> list(l.base(), since, l.perPage()).query("include", "stats"))
        .mapper(t -> FreshdeskMapper.ticket(t, names, customStatuses))
        .build();
  }

  /**
   * A predefined filter's list ({@code deleted} or {@code spam}): every item is a tombstone.
   *
   * @param filter the {@code filter} parameter
   * @param endpoint the endpoint name its requests are counted (and limited) under
   */
  static PagedStream filtered(String filter, String endpoint, Lists l) {
    return builder(filter + "_tickets", endpoint, l, filter)
        .progress(false)
        .mapper(FreshdeskMapper::deleted)
        .build();
  }

  /** A ticket list's paging: Link-paged bare arrays, a watermark, the cap and its boundary. */
  private static PagedStream.Builder builder(String name, String endpoint, Lists l, String filter) {
    return PagedStream.builder(name, l.api(), endpoint, l.clock())
        .first(
            since -> {
              Request r = list(l.base(), since, l.perPage());
              return filter == null ? r : r.query("filter", filter);
            })
        .items("")
        .paginator(Paginator.linkHeader())
        .watermark("since", l.overlap())
        .cap(l.maxPages())
        .dedupeBoundary()
        .backfill(l.backfill())
        .time(TicketsStream::updatedAt);
  }

  private static Request list(HttpUrl base, long since, int perPage) {
    return Request.get(base, "api/v2/tickets")
        .query("updated_since", Instant.ofEpochSecond(since).toString())
        .query("order_by", "updated_at")
        .query("order_type", "asc")
        .query("per_page", Integer.toString(perPage));
  }

  static Instant updatedAt(com.fasterxml.jackson.databind.JsonNode t) {
    return IsoInstant.parse(t.path("updated_at").asText());
  }

  static FreshdeskMapper.Names names(Directory d) {
    return new FreshdeskMapper.Names() {
      @Override
      public String group(long id) {
        return d.group(id);
      }

      @Override
      public String agent(long id) {
        return d.agent(id);
      }

      @Override
      public String status(int code) {
        return d.status(code);
      }
    };
  }
}
