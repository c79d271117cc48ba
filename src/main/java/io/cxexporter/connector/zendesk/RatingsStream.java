package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.RecordFields;
import io.cxexporter.connector.http.Request;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.util.IsoInstant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import okhttp3.HttpUrl;

/**
 * Zendesk's CSAT ratings ({@code good}/{@code bad}) from {@code /api/v2/satisfaction_ratings} with
 * {@code score=received}, paged with {@code page[after]}. Between polls the cursor is the newest
 * rating time seen minus a minute of overlap ({@code start=<epoch>}); within a poll it also carries
 * Zendesk's page cursor ({@code start=<epoch>;after=<cursor>}). Re-read ratings are upserted, never
 * counted twice.
 */
final class RatingsStream {
  static final String ENDPOINT = "satisfaction_ratings";
  private static final Duration OVERLAP = Duration.ofMinutes(1);

  private RatingsStream() {}

  static PagedStream create(
      ApiClient api, HttpUrl base, Directory directory, Clock clock, Duration backfill) {
    return PagedStream.builder("satisfaction_ratings", api, ENDPOINT, clock)
        .first(
            since ->
                Request.get(base, "api/v2/satisfaction_ratings.json")
                    .query("score", "received")
                    .query("start_time", Long.toString(since))
                    .query("page[size]", "100"))
        .items("/satisfaction_ratings")
        .paginator(Paginator.cursorWhile("/meta/after_cursor", "/meta/has_more", "page[after]"))
        .watermark("start", OVERLAP)
        .backfill(backfill)
        .progress(false)
        .time(RatingsStream::at)
        .mapper(r -> rating(r, directory))
        .build();
  }

  /** When the rating was given or last changed. */
  static Instant at(JsonNode r) {
    return IsoInstant.parse(r.path("updated_at").asText(r.path("created_at").asText()));
  }

  /** A received rating as a CSAT response; null for one not answered yet (offered, unoffered). */
  static Record rating(JsonNode r, Directory directory) {
    String score = r.path("score").asText("");
    Instant at = at(r);
    if (!score.startsWith("good") && !score.startsWith("bad")) {
      return null;
    }
    String group = r.hasNonNull("group_id") ? directory.group(r.path("group_id").asLong()) : null;
    return new SurveyResponse(
        RecordFields.id(r.path("id"), "id"),
        at,
        SurveyKind.CSAT,
        score.startsWith("good") ? 1 : 0,
        0,
        1,
        at,
        r.hasNonNull("ticket_id") ? r.path("ticket_id").asText() : null,
        group,
        null,
        null);
  }
}
