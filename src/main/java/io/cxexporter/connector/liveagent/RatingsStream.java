package io.cxexporter.connector.liveagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * CSAT from the customers' rankings: messages of type {@code W} (reward: satisfied) and {@code P}
 * (punishment: not satisfied) inside a ticket's message groups ({@code GET
 * /tickets/{id}/messages}). LiveAgent has no bulk ratings endpoint, so this stream of its own (it
 * never slows the {@code tickets} stream) lists the tickets solved or closed ({@code status} {@code
 * R} or {@code L}) whose {@code date_changed} moved since its last pass, {@code messages_per_page}
 * at a time, and reads the messages of each, once per version of the ticket. One page of this
 * stream therefore costs at most one list request plus {@code messages_per_page} tickets' messages
 * (one request each unless a ticket has more than 100 message groups).
 *
 * <p>A {@code 403} on the messages endpoint is reported as a failed lookup ({@code
 * lookup/messages}) and the rest of the page is skipped; a {@code 404} (the ticket is gone) means
 * no rating; other failures fail the page, which is read again.
 */
final class RatingsStream implements Stream {
  static final String NAME = "ratings";
  static final String LIST_ENDPOINT = "tickets/solved";
  static final String ENDPOINT = "tickets/messages";
  static final int MESSAGES_PER_PAGE = 100;

  private final ApiClient api;
  private final HttpUrl base;
  private final RequestListener lookups;
  private final PagedStream candidates;

  /** The tickets of the page being read, with their version. */
  private final List<Map.Entry<String, Instant>> page = new ArrayList<>();

  /** Ticket id → the {@code date_changed} whose messages were read. */
  private final Map<String, Instant> read = new HashMap<>();

  RatingsStream(
      ApiClient api, HttpUrl base, Clock clock, LiveAgentOptions o, RequestListener lookups) {
    this.api = api;
    this.base = base;
    this.lookups = lookups;
    this.candidates =
        PagedStream.builder(NAME, api, LIST_ENDPOINT, clock)
            .first(
                since ->
                    TicketsStream.list(base, since, o.messagesPerPage())
                        .query(
                            "_filters",
                            "[[\"date_changed\",\"D>=\",\""
                                + LiveAgentMapper.format(since)
                                + "\"],[\"status\",\"IN\",\"R,L\"]]"))
            .items("")
            .paginator(Paginator.pageNumber("_page", "", o.messagesPerPage()))
            .watermark("changed", o.overlap())
            .backfill(o.common().backfill())
            .progress(false)
            .time(LiveAgentMapper::changed)
            .mapper(this::candidate)
            .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Notes a solved ticket to read its messages; no record of its own. */
  private Record candidate(JsonNode t) {
    String id = LiveAgentMapper.requiredId(t);
    Instant changed = LiveAgentMapper.changed(t);
    if (changed == null) {
      throw new IllegalArgumentException("no date_changed");
    }
    if (!changed.equals(read.get(id))) {
      page.add(Map.entry(id, changed));
    }
    return null;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    page.clear();
    try {
      Page p = candidates.read(from);
      List<Record> out = new ArrayList<>(p.records());
      List<Rejected> rejected = new ArrayList<>(p.rejected());
      for (Map.Entry<String, Instant> t : page) {
        try {
          messages(t.getKey(), out, rejected);
        } catch (ConnectorException e) {
          if (e.kind() != ConnectorException.Kind.FEATURE_UNAVAILABLE) {
            throw e;
          }
          lookups.onLookupFailed("messages", "feature_unavailable", e.getMessage());
          break; // not allowed to read messages: nothing to gain from the rest of the page
        }
        lookups.onLookupRecovered("messages");
        read.put(t.getKey(), t.getValue());
      }
      return new Page(out, p.next(), p.caughtUp(), p.progress(), rejected);
    } finally {
      page.clear();
    }
  }

  /** The rankings in one ticket's message groups, {@code _page} by {@code _page}. */
  private void messages(String ticket, List<Record> out, List<Rejected> rejected)
      throws ConnectorException {
    Paginator pages = Paginator.pageNumber("_page", "", MESSAGES_PER_PAGE);
    Request first =
        Request.get(
                base.newBuilder()
                    .addPathSegment("tickets")
                    .addPathSegment(ticket)
                    .addPathSegment("messages")
                    .build())
            .query("_perPage", Integer.toString(MESSAGES_PER_PAGE));
    Request request = first;
    while (true) {
      ApiResponse r;
      try {
        r = api.send(ENDPOINT, request);
      } catch (ConnectorException e) {
        if (e.kind() == ConnectorException.Kind.PERMANENT) {
          return; // 404: the ticket is gone
        }
        throw e;
      }
      if (!r.body().isArray()) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + ENDPOINT);
      }
      for (JsonNode group : r.body()) {
        for (JsonNode m : group.path("messages")) {
          try {
            Record rating = LiveAgentMapper.rating(m, ticket);
            if (rating != null) {
              out.add(rating);
            }
          } catch (IllegalArgumentException e) {
            rejected.add(new Rejected(m.path("id").asText("?"), e.getMessage()));
          }
        }
      }
      Paginator.Step step = pages.next(r);
      if (!step.more()) {
        return;
      }
      request = pages.follow(first, step.token());
    }
  }

  @Override
  public String toString() {
    return NAME + " (" + LIST_ENDPOINT + ", " + ENDPOINT + ")";
  }
}
