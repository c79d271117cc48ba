package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.http.TreeFilter;
import io.cxexporter.util.Interner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Zendesk tickets through the cursor-based incremental export: {@code start_time} on the first
 * read, then {@code cursor=after_cursor}, {@code include=metric_sets}, until {@code end_of_stream}.
 * The cursor stored is Zendesk's {@code after_cursor}, where the next poll resumes; a garbage page
 * throws and the cursor does not move. Agents' names are looked up for each page before it is
 * mapped ({@code users/show_many}), groups' names from the cached group list.
 */
final class TicketsStream {
  static final String ENDPOINT = "incremental/tickets";

  /** A page with every top-level field and, of each ticket, what the mapper reads. */
  static final TreeFilter PAGE = TreeFilter.all(Map.of("tickets", ZendeskMapper.TICKET_FIELDS));

  private TicketsStream() {}

  static PagedStream create(
      ApiClient api,
      HttpUrl base,
      Directory directory,
      Clock clock,
      Duration backfill,
      int perPage) {
    Interner shared = new Interner(10_000); // channels and tags: a bounded set
    return PagedStream.builder("tickets", api, ENDPOINT, clock)
        .first(
            since ->
                Request.get(base, "api/v2/incremental/tickets/cursor.json")
                    .query("include", "metric_sets")
                    .query("per_page", Integer.toString(perPage))
                    .query("start_time", Long.toString(since)))
        .reader(PAGE)
        .items("/tickets")
        .paginator(Paginator.cursor("/after_cursor", "/end_of_stream", "cursor", "start_time"))
        .backfill(backfill)
        .time(t -> Instant.ofEpochSecond(t.path("generated_timestamp").asLong()))
        .beforeMapping(tickets -> directory.prefetchUsers(assignees(tickets)))
        .mapper(t -> ZendeskMapper.ticket(t, directory::group, directory::user, shared::intern))
        .build();
  }

  private static Set<Long> assignees(JsonNode tickets) {
    Set<Long> ids = new HashSet<>();
    for (JsonNode t : tickets) {
      if (t.hasNonNull("assignee_id")) {
        ids.add(t.path("assignee_id").asLong());
      }
    }
    return ids;
  }
}
