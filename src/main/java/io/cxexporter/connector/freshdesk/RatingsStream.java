package io.cxexporter.connector.freshdesk;

import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.util.IsoInstant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import okhttp3.HttpUrl;

/**
 * CSAT from {@code GET /api/v2/surveys/satisfaction_ratings?created_since=...&per_page=100}, a bare
 * array paged by the {@code Link} header. Between polls the watermark is the newest {@code
 * created_at} of the pass's last page minus a minute of overlap; re-read ratings are upserted by
 * id, never counted twice. See {@link FreshdeskMapper#rating} for the scale.
 */
final class RatingsStream {
  static final String ENDPOINT = "surveys/satisfaction_ratings";
  private static final Duration OVERLAP = Duration.ofMinutes(1);

  private RatingsStream() {}

  static PagedStream create(
      ApiClient api,
      HttpUrl base,
      Directory directory,
      Clock clock,
      Duration backfill,
      int perPage) {
    FreshdeskMapper.Names names = TicketsStream.names(directory);
    return PagedStream.builder("satisfaction_ratings", api, ENDPOINT, clock)
        .first(
            since ->
                Request.get(base, "api/v2/surveys/satisfaction_ratings")
                    .query("created_since", Instant.ofEpochSecond(since).toString())
                    .query("per_page", Integer.toString(perPage)))
        .items("")
        .paginator(Paginator.linkHeader())
        .watermark("since", OVERLAP)
        .backfill(backfill)
        .progress(false)
        .time(r -> IsoInstant.parse(r.path("created_at").asText()))
        .mapper(r -> FreshdeskMapper.rating(r, names))
        .build();
  }
}
