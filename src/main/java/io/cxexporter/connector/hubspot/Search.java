package io.cxexporter.connector.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.model.TicketStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * The four streams, each a CRM search: {@code POST /crm/v3/objects/<object>/search} with
 *
 * <pre>{@code
 * {"filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE",
 *                                 "value": "<watermark, epoch ms>"}]}],
 *  "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
 *  "properties": [...the mapped ones...], "limit": 200, "after": "<paging.next.after>"}
 * }</pre>
 *
 * <p>A page's {@code paging.next.after} goes back in the next request's body ({@link
 * Paginator#bodyToken}); its absence ends the pass. One query stops at 10,000 results (HubSpot
 * answers 400 beyond), so after {@code 10,000 ÷ limit} pages the pass restarts with GTE = the last
 * record's modification second; {@code GTE} is inclusive, so the ids already delivered at that
 * second are kept in the cursor and their repeated copies dropped ({@link
 * PagedStream.Builder#dedupeBoundary()}). A new pass (the next poll) starts {@code overlap} before
 * the newest record, as the search index lags writes by seconds; a re-read version is an upsert.
 *
 * <p>Archived (deleted) records are not returned by search and are not read.
 */
final class Search {
  static final String TICKETS = "tickets";
  static final String FEEDBACK = "feedback_submissions";
  static final String COMPANIES = "companies";
  static final String DEALS = "deals";

  static final String MODIFIED = "hs_lastmodifieddate";

  static final List<String> TICKET_PROPERTIES =
      List.of(
          "subject",
          "createdate",
          MODIFIED,
          "hs_pipeline",
          "hs_pipeline_stage",
          "hs_ticket_priority",
          "hubspot_owner_id",
          "hubspot_team_id",
          "source_type",
          "first_agent_reply_date",
          "time_to_first_agent_reply",
          "hs_time_to_first_response_in_operating_hours",
          "closed_date",
          "time_to_close",
          "hs_time_to_close_in_operating_hours",
          "hs_time_to_first_response_sla_at",
          "hs_time_to_close_sla_at");

  static final List<String> FEEDBACK_PROPERTIES =
      List.of("hs_survey_type", "hs_value", "hs_submission_timestamp", MODIFIED);

  static final List<String> DEAL_PROPERTIES =
      List.of(
          "pipeline",
          "dealstage",
          "amount",
          "closedate",
          "createdate",
          MODIFIED,
          "hs_is_closed",
          "hs_is_closed_won");

  private Search() {}

  /** What every search stream is read with. */
  record Reading(
      ApiClient api,
      HttpUrl base,
      Clock clock,
      Duration backfill,
      Duration overlap,
      int limit,
      int pagesPerQuery) {}

  /** The endpoint name a stream's searches are counted and limited under. */
  static String endpoint(String object) {
    return object + "/search";
  }

  static PagedStream tickets(Reading s, Directory dir, Map<String, TicketStatus> stageStatuses) {
    return builder(TICKETS, TICKET_PROPERTIES, s)
        .mapper(t -> HubspotMapper.ticket(t, dir, stageStatuses))
        .build();
  }

  static PagedStream feedback(Reading s) {
    return builder(FEEDBACK, FEEDBACK_PROPERTIES, s)
        .progress(false)
        .mapper(HubspotMapper::feedback)
        .build();
  }

  static PagedStream deals(Reading s, Directory dir) {
    return builder(DEALS, DEAL_PROPERTIES, s)
        .progress(false)
        .mapper(d -> HubspotMapper.deal(d, dir))
        .build();
  }

  /**
   * A search stream of {@code object}, asking for {@code properties}; the mapper is left to set.
   */
  static PagedStream.Builder builder(String object, List<String> properties, Reading s) {
    return PagedStream.builder(object, s.api(), endpoint(object), s.clock())
        .first(
            since ->
                Request.post(
                    s.base(),
                    "crm/v3/objects/" + object + "/search",
                    body(since, properties, s.limit())))
        .items("/results")
        .paginator(Paginator.bodyToken("/paging/next/after", "/after"))
        .watermark("since", s.overlap())
        .cap(s.pagesPerQuery())
        .dedupeBoundary()
        .backfill(s.backfill())
        .time(HubspotMapper::modified);
  }

  /** The first request's body of a pass reading changes from {@code since} (epoch seconds) on. */
  static ObjectNode body(long since, List<String> properties, int limit) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode filter = body.putArray("filterGroups").addObject().putArray("filters").addObject();
    filter.put("propertyName", MODIFIED);
    filter.put("operator", "GTE");
    filter.put("value", Long.toString(Instant.ofEpochSecond(since).toEpochMilli()));
    ObjectNode sort = body.putArray("sorts").addObject();
    sort.put("propertyName", MODIFIED);
    sort.put("direction", "ASCENDING");
    properties.forEach(body.putArray("properties")::add);
    body.put("limit", limit);
    return body;
  }

  /** A property's value as text, or null when missing, null or empty. */
  static String property(JsonNode record, String name) {
    JsonNode v = record.path("properties").path(name);
    return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
