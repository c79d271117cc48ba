package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Conversations from {@code POST /conversations/search}, one closed {@code updated_at} slice per
 * pass ({@link SearchSlice}), {@code per_page} up to 150, paged by {@code starting_after}. Each
 * conversation is a {@link Ticket}; a rated one also yields its CSAT answer ({@code csat-<id>}) in
 * the same page. The cursor is {@code updated=<epoch>} between passes, plus {@code
 * after=<until>:<starting_after>} inside one.
 */
final class ConversationsStream implements Stream {
  static final String NAME = "conversations";
  static final String ENDPOINT = "conversations/search";

  private final PagedStream pages;
  private final SearchSlice slice;
  private final IntercomMapper.Names names;

  /** CSAT answers (and unreadable ratings) of the page being mapped; one reader at a time. */
  private final List<Record> surveys = new ArrayList<>();

  private final List<Rejected> badRatings = new ArrayList<>();

  ConversationsStream(
      ApiClient api, HttpUrl base, Directory directory, Clock clock, IntercomOptions o) {
    this.names =
        new IntercomMapper.Names() {
          @Override
          public String team(String id) {
            return directory.team(id);
          }

          @Override
          public String admin(String id) {
            return directory.admin(id);
          }
        };
    this.slice = new SearchSlice(base, ENDPOINT, o.apiVersion(), o.perPage(), o.overlap(), clock);
    this.pages =
        PagedStream.builder(NAME, api, ENDPOINT, clock)
            .first(slice::first)
            .items("/conversations")
            .paginator(slice)
            .watermark("updated", Duration.ZERO) // the slice's end moves it, not the newest item
            .backfill(o.common().backfill())
            .progress(false)
            .time(IntercomMapper::updated)
            .mapper(this::map)
            .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    surveys.clear();
    badRatings.clear();
    try {
      Page p = SearchSlice.readOrRestart(pages, from, "updated");
      Double progress = p.progress();
      if (progress == null && slice.progress() != null) {
        progress = Math.min(slice.progress(), 0.99);
      }
      List<Record> records = new ArrayList<>(p.records());
      records.addAll(surveys);
      List<Rejected> rejected = new ArrayList<>(p.rejected());
      rejected.addAll(badRatings);
      return new Page(records, p.next(), p.caughtUp(), progress, rejected);
    } finally {
      surveys.clear();
      badRatings.clear();
    }
  }

  private Record map(JsonNode c) {
    Ticket t = IntercomMapper.conversation(c, names);
    try {
      SurveyResponse csat = IntercomMapper.csat(c, t.group());
      if (csat != null) {
        surveys.add(csat);
      }
    } catch (IllegalArgumentException e) {
      // the conversation is fine; only its rating is unreadable
      badRatings.add(new Rejected("csat-" + t.id(), e.getMessage()));
    }
    return t;
  }

  @Override
  public String toString() {
    return NAME + " (" + ENDPOINT + ")";
  }
}
