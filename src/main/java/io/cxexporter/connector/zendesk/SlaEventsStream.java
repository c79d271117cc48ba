package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.http.WatermarkCursor;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Zendesk's own SLA clocks from the time-based export {@code
 * /api/v2/incremental/ticket_metric_events} (up to 1000 events a page, chronological). Only the
 * events of the two measured clocks are kept: {@code reply_time} instance 1 (first response) and
 * the configured resolution metric ({@code resolution_time} by default) instance 1; {@code
 * activate}, {@code pause}, {@code fulfill}, {@code apply_sla} and {@code breach} map to {@link
 * SlaEvent}s ({@code STARTED}, {@code PAUSED}, {@code MET}, {@code GOAL_SET}, {@code BREACHED}, in
 * Zendesk's event-id order), and a breach Zendesk marks {@code deleted} becomes a {@link Deleted}
 * for its id.
 *
 * <p>The cursor is {@code t=<epoch>}, the next {@code start_time} ({@code end_time} of the last
 * page). Should a full page not move {@code end_time} (more than 1000 events in one second), the
 * stream reads that second with cursor pagination ({@code t=<epoch>;after=<cursor>}) until it sees
 * a later event, so no event is skipped: {@link SecondByCursor} is that paginator. Accounts without
 * SLA policies (see {@link Directory#hasSlaPolicies}) cost no export requests.
 */
final class SlaEventsStream implements Stream {
  static final String ENDPOINT = "incremental/ticket_metric_events";
  private static final int FULL_PAGE = 1000;

  private final Directory directory;
  private final Clock clock;
  private final String resolutionMetric;
  private final PagedStream export;

  SlaEventsStream(
      ApiClient api,
      HttpUrl base,
      Directory directory,
      Clock clock,
      Duration backfill,
      String resolutionMetric) {
    this.directory = directory;
    this.clock = clock;
    this.resolutionMetric = resolutionMetric;
    this.export =
        PagedStream.builder("sla_events", api, ENDPOINT, clock)
            .first(
                since ->
                    Request.get(base, "api/v2/incremental/ticket_metric_events.json")
                        .query("start_time", Long.toString(since)))
            .items("/ticket_metric_events")
            .paginator(new SecondByCursor())
            .watermark("t", Duration.ZERO)
            .backfill(backfill)
            .time(SlaEventsStream::time)
            .mapper(this::event)
            .build();
  }

  @Override
  public String name() {
    return "sla_events";
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    if (!directory.hasSlaPolicies()) {
      // Nothing to measure; when a policy appears, its clocks start after now.
      Cursor here =
          from.isStart()
              ? WatermarkCursor.at("t", clock.instant().getEpochSecond()).cursor()
              : from;
      return new Page(List.of(), here, true, 1.0);
    }
    return export.read(from);
  }

  /**
   * The time-based export, and the crowded second: {@code end_time} is the next page's {@code
   * start_time}; a full page whose {@code end_time} did not move switches to cursor pagination
   * within that second ({@code page[size]=100}, {@code page[after]}; token {@code ""} starts it)
   * until an event of a later second shows, then time-based paging goes on from the next second.
   */
  static final class SecondByCursor implements Paginator {
    @Override
    public Step next(ApiResponse page) {
      JsonNode body = page.body();
      JsonNode events = body.path("ticket_metric_events");
      long start = Long.parseLong(page.request().queryParameter("start_time"));
      if (inSecond(page.request())) {
        boolean passed = false;
        for (JsonNode e : events) {
          try {
            passed |= time(e).getEpochSecond() > start;
          } catch (IllegalArgumentException ex) {
            // the mapper reports it
          }
        }
        String next = body.path("meta").path("after_cursor").asText("");
        if (!passed && body.path("meta").path("has_more").asBoolean() && !next.isEmpty()) {
          return Step.more(next);
        }
        return Step.moreSince(start + 1);
      }
      long end = body.path("end_time").asLong();
      boolean full = events.size() >= FULL_PAGE;
      if (full && end <= start) {
        return Step.more(""); // a whole page inside one second: walk it by cursor
      }
      boolean caughtUp =
          body.path("end_of_stream").asBoolean(false) || !full || body.path("next_page").isNull();
      long next = Math.max(start, end);
      return caughtUp ? Step.lastSince(next) : Step.moreSince(next);
    }

    @Override
    public Request follow(Request first, String token) {
      Request r = first.query("page[size]", "100");
      return token.isEmpty() ? r : r.query("page[after]", token);
    }

    @Override
    public boolean wellFormed(ApiResponse page) {
      return inSecond(page.request())
          ? page.body().path("meta").has("has_more")
          : page.body().path("end_time").canConvertToLong();
    }

    private static boolean inSecond(Request r) {
      return r.queryParameter("page[size]") != null;
    }
  }

  /** The event as a record, or null when it is not one of the measured clocks. */
  Record event(JsonNode e) {
    String metric = e.path("metric").asText("");
    int instance = e.path("instance_id").asInt(1);
    SlaTarget target;
    if (metric.equals("reply_time") && instance == 1) {
      target = SlaTarget.FIRST_RESPONSE;
    } else if (metric.equals(resolutionMetric) && instance == 1) {
      target = SlaTarget.RESOLUTION;
    } else {
      return null;
    }
    String id = required(e, "id");
    String ticket = required(e, "ticket_id");
    Instant at = time(e);
    long seq = e.path("id").asLong(0); // Zendesk's event ids grow with time: its order
    return switch (e.path("type").asText("")) {
      case "activate" -> clock(id, at, ticket, target, SlaEvent.Type.STARTED, seq);
      case "pause" -> clock(id, at, ticket, target, SlaEvent.Type.PAUSED, seq);
      case "fulfill" -> clock(id, at, ticket, target, SlaEvent.Type.MET, seq);
      case "breach" ->
          e.path("deleted").asBoolean(false)
              ? new Deleted(id, at)
              : clock(id, at, ticket, target, SlaEvent.Type.BREACHED, seq);
      case "apply_sla" -> {
        JsonNode sla = e.path("sla");
        if (!sla.path("target").canConvertToLong()) {
          yield null; // the policy no longer sets a target for this metric
        }
        yield new SlaEvent(
            id,
            at,
            ticket,
            target,
            SlaEvent.Type.GOAL_SET,
            Duration.ofMinutes(sla.path("target").asLong()),
            sla.path("business_hours").asBoolean(false),
            seq);
      }
      default -> null; // update_status, measure, apply_group_sla: not a clock change we use
    };
  }

  private static SlaEvent clock(
      String id, Instant at, String ticket, SlaTarget target, SlaEvent.Type type, long seq) {
    return new SlaEvent(id, at, ticket, target, type, null, false, seq);
  }

  private static String required(JsonNode e, String field) {
    JsonNode v = e.path(field);
    if (!v.isNumber() && !v.isTextual()) {
      throw new IllegalArgumentException("no " + field);
    }
    return v.asText();
  }

  private static Instant time(JsonNode e) {
    try {
      return Instant.parse(e.path("time").asText(""));
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException("bad time \"" + e.path("time").asText("") + "\"");
    }
  }
}
