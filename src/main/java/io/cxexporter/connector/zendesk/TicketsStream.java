package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.TreeFilter;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Zendesk tickets through the cursor-based incremental export: {@code start_time} on the first
 * read, then {@code cursor=after_cursor}, {@code include=metric_sets}, until {@code end_of_stream}.
 * The cursor stored is Zendesk's {@code after_cursor}; a garbage page throws and the cursor does
 * not move.
 */
final class TicketsStream implements Stream {
  static final String ENDPOINT = "incremental/tickets";

  /** A page with every top-level field and, of each ticket, what the mapper reads. */
  static final TreeFilter PAGE = TreeFilter.all(Map.of("tickets", ZendeskMapper.TICKET_FIELDS));

  private final ApiClient api;
  private final HttpUrl base;
  private final Directory directory;
  private final Clock clock;
  private final Duration backfill;
  private final int perPage;

  TicketsStream(
      ApiClient api,
      HttpUrl base,
      Directory directory,
      Clock clock,
      Duration backfill,
      int perPage) {
    this.api = api;
    this.base = base;
    this.directory = directory;
    this.clock = clock;
    this.backfill = backfill;
    this.perPage = perPage;
  }

  @Override
  public String name() {
    return "tickets";
  }

  /** One copy of each channel and tag (a bounded set: past the bound, values are not shared). */
  private final Map<String, String> shared = new java.util.concurrent.ConcurrentHashMap<>();

  private String shared(String s) {
    if (s == null) {
      return null;
    }
    String known = shared.get(s);
    if (known == null && shared.size() < 10_000) {
      known = shared.putIfAbsent(s, s);
    }
    return known != null ? known : s;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    HttpUrl.Builder url =
        base.newBuilder()
            .addPathSegments("api/v2/incremental/tickets/cursor.json")
            .addQueryParameter("include", "metric_sets")
            .addQueryParameter("per_page", Integer.toString(perPage));
    long start = clock.instant().minus(backfill).getEpochSecond();
    if (from.isStart()) {
      url.addQueryParameter("start_time", Long.toString(start));
    } else {
      url.addQueryParameter("cursor", from.value());
    }
    ApiResponse r = api.get(ENDPOINT, url.build(), PAGE);
    JsonNode body = r.body();
    JsonNode tickets = body.path("tickets");
    if (!tickets.isArray() || !body.has("end_of_stream")) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + ENDPOINT);
    }
    String after = body.path("after_cursor").asText(null);
    boolean end = body.path("end_of_stream").asBoolean();
    if (after == null || after.isEmpty()) {
      if (!end) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE, "no after_cursor from " + ENDPOINT);
      }
      after = from.value(); // an empty export: keep where we are
    }
    Set<Long> assignees = new HashSet<>();
    for (JsonNode t : tickets) {
      if (t.hasNonNull("assignee_id")) {
        assignees.add(t.path("assignee_id").asLong());
      }
    }
    directory.prefetchUsers(assignees);
    Map<Long, String> groupNames = new HashMap<>();
    List<Record> records = new ArrayList<>(tickets.size());
    long last = start;
    for (JsonNode t : tickets) {
      if (t.hasNonNull("group_id")) {
        long g = t.path("group_id").asLong();
        if (!groupNames.containsKey(g)) {
          groupNames.put(g, directory.group(g));
        }
      }
      try {
        records.add(ZendeskMapper.ticket(t, groupNames::get, directory::user, this::shared));
      } catch (RuntimeException e) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE,
            "ticket "
                + t.path("id").asText("?")
                + " from "
                + ENDPOINT
                + " cannot be read ("
                + e.getMessage()
                + ")",
            null,
            e);
      }
      last = Math.max(last, t.path("generated_timestamp").asLong(last));
    }
    Double progress = end ? 1.0 : TimeCursor.progress(last, start, clock);
    return new Page(records, new Cursor(after), end, progress);
  }
}
