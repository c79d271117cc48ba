package io.cxexporter.connector.liveagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.CursorFields;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.http.WatermarkCursor;
import io.cxexporter.model.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The {@code tickets} stream. Each pass reads two lists, in this order:
 *
 * <ol>
 *   <li>the status history, {@code GET /tickets/history?_filters=[["date_from","D>=",…]]&
 *       _sortField=date_from&_sortDir=ASC&_perPage=500}, a bare array of status periods paged by
 *       the {@code next_page_cursor} response header (sent back as {@code _cursor}); its rows go
 *       into the {@link HistoryBook}, no records;
 *   <li>the tickets, {@code GET /tickets?_filters=[["date_changed","D>=",…]]&
 *       _sortField=date_changed&_sortDir=ASC&_perPage=100&_page=N}, a bare array ending on a short
 *       or empty page; each ticket is mapped with the book's first answer, reopens and requester
 *       wait, a deleted ({@code X}) or spam ({@code B}) one becomes a tombstone.
 * </ol>
 *
 * Because the history of the pass is read before its tickets, a ticket's rows are in the book when
 * it is mapped. Where they may not be (the ticket was created before the first history pass of this
 * process, or it changed status after the history was read), the ticket's own history ({@code GET
 * /tickets/{id}/history}) is read once for that version before the page is mapped. Nothing is
 * counted twice: rows are kept by id, tickets are upserted by id, and a re-read version with the
 * same history maps to the same record.
 *
 * <p>The cursor keeps both watermarks: {@code history=...;live=...}, plus {@code phase=live} while
 * the tickets are read. A process that starts inside the tickets phase reads the history from its
 * watermark first ({@code phase=resume}), then goes on with the stored ticket page. Each new pass
 * starts {@code overlap} before the newest row or ticket.
 */
final class TicketsStream implements Stream {
  static final String NAME = "tickets";
  static final String ENDPOINT = "tickets";
  static final String HISTORY_ENDPOINT = "tickets/history";
  static final String TICKET_HISTORY_ENDPOINT = "ticket/history";
  private static final String PHASE = "phase";
  private static final String RESUME = "resume";

  private final ApiClient api;
  private final HttpUrl base;
  private final Clock clock;
  private final Duration backfill;
  private final HistoryBook book;
  private final RequestListener lookups;
  private final PagedStream history;
  private final PagedStream live;

  /** Ticket id → the {@code date_changed} its own history was read at. */
  private final Map<String, Instant> readAlone = new HashMap<>();

  /** A failure of a per-ticket history read during the page being mapped. */
  private ConnectorException failed;

  TicketsStream(
      ApiClient api,
      HttpUrl base,
      Clock clock,
      LiveAgentOptions o,
      Directory names,
      HistoryBook book,
      RequestListener lookups) {
    this.api = api;
    this.base = base;
    this.clock = clock;
    this.backfill = o.common().backfill();
    this.book = book;
    this.lookups = lookups;
    this.history =
        PagedStream.builder("ticket_history", api, HISTORY_ENDPOINT, clock)
            .first(
                since ->
                    Request.get(base, "tickets/history")
                        .query("_filters", filter("date_from", since))
                        .query("_sortField", "date_from")
                        .query("_sortDir", "ASC")
                        .query("_perPage", Integer.toString(o.historyPerPage())))
            .items("")
            .paginator(headerCursor("next_page_cursor", "_cursor"))
            .watermark("from", o.overlap())
            .backfill(backfill)
            .progress(false)
            .time(r -> LiveAgentMapper.time(r.path("date_from")))
            .mapper(
                r -> {
                  book.add(r);
                  return null;
                })
            .build();
    this.live =
        PagedStream.builder(NAME, api, ENDPOINT, clock)
            .first(since -> list(base, since, o.perPage()))
            .items("")
            .paginator(Paginator.pageNumber("_page", "", o.perPage()))
            .watermark("changed", o.overlap())
            .backfill(backfill)
            .time(LiveAgentMapper::changed)
            .beforeMapping(this::completeHistory)
            .mapper(t -> LiveAgentMapper.ticket(t, names, book))
            .build();
  }

  /** {@code [["<field>","D>=","YYYY-MM-DD HH:MM:SS"]]} (filter values are read as UTC). */
  static String filter(String field, long since) {
    return "[[\"" + field + "\",\"D>=\",\"" + LiveAgentMapper.format(since) + "\"]]";
  }

  /** The first request of a ticket list pass from {@code since}. */
  static Request list(HttpUrl base, long since, int perPage) {
    return Request.get(base, "tickets")
        .query("_filters", filter("date_changed", since))
        .query("_sortField", "date_changed")
        .query("_sortDir", "ASC")
        .query("_perPage", Integer.toString(perPage));
  }

  /**
   * A cursor in response header {@code header}, sent back as query {@code param}; the last page has
   * none. An empty page ends the pass whatever the header says.
   */
  static Paginator headerCursor(String header, String param) {
    return new Paginator() {
      @Override
      public Step next(ApiResponse page) {
        String c = page.headers().get(header);
        if (c == null || c.isBlank() || !page.body().isArray() || page.body().isEmpty()) {
          return Step.last();
        }
        return Step.more(c.trim());
      }

      @Override
      public Request follow(Request first, String token) {
        return first.query(param, token);
      }
    };
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    CursorFields f = CursorFields.parse(from);
    if (!from.isStart() && f.get("history").isEmpty() && f.get("live").isEmpty()) {
      throw new ConnectorException(
          ConnectorException.Kind.PERMANENT, "stored cursor is not ours: " + from.value());
    }
    boolean inLive = f.get(PHASE).filter("live"::equals).isPresent();
    if (inLive && book.coveredFrom() != null) {
      return readLive(f, List.of());
    }
    // RESUME: the history read first by a process that started inside the tickets phase
    boolean resume = inLive || f.get(PHASE).filter(RESUME::equals).isPresent();
    Cursor part = part(f, "history");
    if (book.coveredFrom() == null) {
      // the first history pass of this process: read it whole, so the book covers it
      long backfillStart = clock.instant().minus(backfill).getEpochSecond();
      WatermarkCursor w = WatermarkCursor.parse(part, "from", backfillStart);
      part = w.token() == null ? part : w.at(w.since()).cursor();
      book.coverFrom(Instant.ofEpochSecond(w.since()));
    }
    Page p = history.read(part);
    if (p.caughtUp() && resume) {
      // a process that started inside the tickets phase read the history first, so its book
      // covers the tickets it maps; the tickets go on from their stored page
      return readLive(f.with("history", p.next().value()), p.rejected());
    }
    CursorFields next =
        f.with("history", p.next().value())
            .with(PHASE, p.caughtUp() ? "live" : resume ? RESUME : null);
    return new Page(p.records(), next.cursor(), false, null, p.rejected());
  }

  /** One page of the tickets, with the history rows the book could not read ({@code extra}). */
  private Page readLive(CursorFields f, List<io.cxexporter.connector.Rejected> extra)
      throws ConnectorException {
    Cursor part = part(f, "live");
    failed = null;
    Page p;
    try {
      p = live.read(part);
    } finally {
      ConnectorException e = failed;
      failed = null;
      if (e != null) {
        throw e; // a ticket's own history could not be read: the page is read again
      }
    }
    CursorFields next = f.with("live", p.next().value()).with(PHASE, p.caughtUp() ? null : "live");
    List<io.cxexporter.connector.Rejected> rejected = new java.util.ArrayList<>(extra);
    rejected.addAll(p.rejected());
    return new Page(p.records(), next.cursor(), p.caughtUp(), p.progress(), rejected);
  }

  /**
   * Reads the own history of each ticket of the page whose rows the book may lack, once per
   * version. A 403 or 404 is reported as a failed lookup and the ticket is mapped with what the
   * book has; other failures fail the page.
   */
  private void completeHistory(JsonNode items) {
    for (JsonNode t : items) {
      String id = LiveAgentMapper.text(t.path("id"));
      String status = t.path("status").asText("");
      if (id == null || status.equals("X") || status.equals("B") || failed != null) {
        continue;
      }
      Instant created;
      Instant changed;
      try {
        created = LiveAgentMapper.time(t.path("date_created"));
        changed = LiveAgentMapper.changed(t);
      } catch (IllegalArgumentException e) {
        continue; // the mapper rejects it
      }
      if (created == null
          || changed == null
          || book.complete(id, created, status)
          || changed.equals(readAlone.get(id))) {
        continue;
      }
      try {
        ApiResponse r =
            api.send(
                TICKET_HISTORY_ENDPOINT,
                Request.get(
                    base.newBuilder()
                        .addPathSegment("tickets")
                        .addPathSegment(id)
                        .addPathSegment("history")
                        .build()));
        if (!r.body().isArray()) {
          throw new ConnectorException(
              ConnectorException.Kind.BAD_RESPONSE,
              "unexpected page shape from " + TICKET_HISTORY_ENDPOINT);
        }
        for (JsonNode row : r.body()) {
          try {
            book.add(row);
          } catch (IllegalArgumentException e) {
            // a row without its ticket, status or start: nothing to learn from it
          }
        }
        book.readAlone(id);
        readAlone.put(id, changed);
        lookups.onLookupRecovered(TICKET_HISTORY_ENDPOINT);
      } catch (ConnectorException e) {
        if (e.kind() == ConnectorException.Kind.PERMANENT
            || e.kind() == ConnectorException.Kind.FEATURE_UNAVAILABLE) {
          lookups.onLookupFailed(
              TICKET_HISTORY_ENDPOINT,
              e.kind().name().toLowerCase(java.util.Locale.ROOT),
              e.getMessage());
          readAlone.put(id, changed);
        } else {
          failed = e;
        }
      }
    }
  }

  private static Cursor part(CursorFields f, String key) {
    return f.get(key).filter(v -> !v.isEmpty()).map(Cursor::new).orElse(Cursor.START);
  }

  @Override
  public String toString() {
    return NAME + " (" + HISTORY_ENDPOINT + ", " + ENDPOINT + ")";
  }

  /** For tests: the stream's lists. */
  List<PagedStream> lists() {
    return List.of(history, live);
  }
}
