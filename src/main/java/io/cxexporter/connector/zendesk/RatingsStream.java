package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Zendesk's CSAT ratings ({@code good}/{@code bad}) from {@code /api/v2/satisfaction_ratings} with
 * {@code score=received}, paged with {@code page[after]}. Between polls the cursor is the newest
 * rating time seen minus a minute of overlap ({@code start=<epoch>}); within a poll it also carries
 * Zendesk's page cursor ({@code start=<epoch>;after=<cursor>}). Re-read ratings are upserted, never
 * counted twice.
 */
final class RatingsStream implements Stream {
  static final String ENDPOINT = "satisfaction_ratings";
  private static final Duration OVERLAP = Duration.ofMinutes(1);

  private final ApiClient api;
  private final HttpUrl base;
  private final Directory directory;
  private final Clock clock;
  private final Duration backfill;

  RatingsStream(ApiClient api, HttpUrl base, Directory directory, Clock clock, Duration backfill) {
    this.api = api;
    this.base = base;
    this.directory = directory;
    this.clock = clock;
    this.backfill = backfill;
  }

  @Override
  public String name() {
    return "satisfaction_ratings";
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    TimeCursor cursor =
        TimeCursor.parse(from, "start", clock.instant().minus(backfill).getEpochSecond());
    long start = cursor.start();
    String after = cursor.after();
    HttpUrl.Builder url =
        base.newBuilder()
            .addPathSegments("api/v2/satisfaction_ratings.json")
            .addQueryParameter("score", "received")
            .addQueryParameter("start_time", Long.toString(start))
            .addQueryParameter("page[size]", "100");
    if (after != null) {
      url.addQueryParameter("page[after]", after);
    }
    JsonNode body = api.get(ENDPOINT, url.build()).body();
    JsonNode ratings = body.path("satisfaction_ratings");
    if (!ratings.isArray() || !body.path("meta").has("has_more")) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + ENDPOINT);
    }
    List<Record> records = new ArrayList<>();
    long newest = start;
    for (JsonNode r : ratings) {
      String score = r.path("score").asText("");
      Instant at = Instant.parse(r.path("updated_at").asText(r.path("created_at").asText()));
      newest = Math.max(newest, at.getEpochSecond());
      if (!score.startsWith("good") && !score.startsWith("bad")) {
        continue; // offered / unoffered: no answer yet
      }
      String group = r.hasNonNull("group_id") ? directory.group(r.path("group_id").asLong()) : null;
      records.add(
          new SurveyResponse(
              r.path("id").asText(),
              at,
              SurveyKind.CSAT,
              score.startsWith("good") ? 1 : 0,
              0,
              1,
              at,
              r.hasNonNull("ticket_id") ? r.path("ticket_id").asText() : null,
              group,
              null,
              null));
    }
    boolean more = body.path("meta").path("has_more").asBoolean();
    String next = body.path("meta").path("after_cursor").asText(null);
    if (more && next != null) {
      return new Page(records, cursor.withAfter(next).cursor(), false, null);
    }
    long resume = Math.max(start, newest - OVERLAP.getSeconds());
    return new Page(records, cursor.at(resume).cursor(), true, 1.0);
  }
}
