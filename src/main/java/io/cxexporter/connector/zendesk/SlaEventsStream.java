package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Zendesk's own SLA clocks from the time-based export {@code
 * /api/v2/incremental/ticket_metric_events} (up to 1000 events a page, chronological). Only the
 * events of the two measured clocks are kept: {@code reply_time} instance 1 (first response) and
 * the configured resolution metric ({@code resolution_time} by default) instance 1; {@code
 * activate}, {@code pause}, {@code fulfill}, {@code apply_sla} and {@code breach} map to {@link
 * SlaEvent}s, and a breach Zendesk marks {@code deleted} becomes a {@link Deleted} for its id.
 *
 * <p>The cursor is {@code t=<epoch>}, the next {@code start_time} ({@code end_time} of the last
 * page). Should a full page not move {@code end_time} (more than 1000 events in one second), the
 * stream reads that second with cursor pagination ({@code t=<epoch>;after=<cursor>}) until it sees
 * a later event, so no event is skipped. Accounts without SLA policies (see {@link
 * Directory#hasSlaPolicies}) cost no export requests.
 */
final class SlaEventsStream implements Stream {
  static final String ENDPOINT = "incremental/ticket_metric_events";
  private static final int FULL_PAGE = 1000;

  private final ApiClient api;
  private final HttpUrl base;
  private final Directory directory;
  private final Clock clock;
  private final Duration backfill;
  private final String resolutionMetric;

  SlaEventsStream(
      ApiClient api,
      HttpUrl base,
      Directory directory,
      Clock clock,
      Duration backfill,
      String resolutionMetric) {
    this.api = api;
    this.base = base;
    this.directory = directory;
    this.clock = clock;
    this.backfill = backfill;
    this.resolutionMetric = resolutionMetric;
  }

  @Override
  public String name() {
    return "sla_events";
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    long backfillStart = clock.instant().minus(backfill).getEpochSecond();
    TimeCursor at = TimeCursor.parse(from, "t", backfillStart);
    long start = at.start();
    String after = at.after();
    if (!directory.hasSlaPolicies()) {
      // Nothing to measure; when a policy appears, its clocks start after now.
      Cursor here = from.isStart() ? at.at(clock.instant().getEpochSecond()).cursor() : from;
      return new Page(List.of(), here, true, 1.0);
    }
    return after == null
        ? timeBased(start, backfillStart)
        : sameSecond(start, after, backfillStart);
  }

  private Page timeBased(long start, long backfillStart) throws ConnectorException {
    HttpUrl url =
        base.newBuilder()
            .addPathSegments("api/v2/incremental/ticket_metric_events.json")
            .addQueryParameter("start_time", Long.toString(start))
            .build();
    JsonNode body = api.get(ENDPOINT, url).body();
    JsonNode events = body.path("ticket_metric_events");
    if (!events.isArray() || !body.path("end_time").canConvertToLong()) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + ENDPOINT);
    }
    List<Record> records = map(events);
    long end = body.path("end_time").asLong();
    boolean full = events.size() >= FULL_PAGE;
    if (full && end <= start) {
      // A whole page inside one second: walk that second with cursor pagination.
      return new Page(
          records,
          new TimeCursor("t", start, "").cursor(),
          false,
          TimeCursor.progress(start, backfillStart, clock));
    }
    boolean caughtUp =
        body.path("end_of_stream").asBoolean(false) || !full || body.path("next_page").isNull();
    long next = Math.max(start, end);
    return new Page(
        records,
        new TimeCursor("t", next, null).cursor(),
        caughtUp,
        caughtUp ? 1.0 : TimeCursor.progress(next, backfillStart, clock));
  }

  private Page sameSecond(long second, String after, long backfillStart) throws ConnectorException {
    HttpUrl.Builder url =
        base.newBuilder()
            .addPathSegments("api/v2/incremental/ticket_metric_events.json")
            .addQueryParameter("start_time", Long.toString(second))
            .addQueryParameter("page[size]", "100");
    if (after != null && !after.isEmpty()) {
      url.addQueryParameter("page[after]", after);
    }
    JsonNode body = api.get(ENDPOINT, url.build()).body();
    JsonNode events = body.path("ticket_metric_events");
    if (!events.isArray() || !body.path("meta").has("has_more")) {
      throw new ConnectorException(
          ConnectorException.Kind.BAD_RESPONSE, "unexpected page shape from " + ENDPOINT);
    }
    List<Record> records = map(events);
    boolean passed = false;
    for (JsonNode e : events) {
      try {
        passed |= time(e).getEpochSecond() > second;
      } catch (IllegalArgumentException ex) {
        // an event of a clock we do not read; map() has checked ours
      }
    }
    String next = body.path("meta").path("after_cursor").asText("");
    if (!passed && body.path("meta").path("has_more").asBoolean() && !next.isEmpty()) {
      return new Page(
          records,
          new TimeCursor("t", second, next).cursor(),
          false,
          TimeCursor.progress(second, backfillStart, clock));
    }
    return new Page(
        records,
        new TimeCursor("t", second + 1, null).cursor(),
        false,
        TimeCursor.progress(second, backfillStart, clock));
  }

  private List<Record> map(JsonNode events) throws ConnectorException {
    List<Record> records = new ArrayList<>();
    for (JsonNode e : events) {
      try {
        Record r = event(e);
        if (r != null) {
          records.add(r);
        }
      } catch (RuntimeException ex) {
        throw new ConnectorException(
            ConnectorException.Kind.BAD_RESPONSE,
            "ticket metric event "
                + e.path("id").asText("?")
                + " from "
                + ENDPOINT
                + " cannot be read ("
                + ex.getMessage()
                + ")",
            null,
            ex);
      }
    }
    return records;
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
    return switch (e.path("type").asText("")) {
      case "activate" -> new SlaEvent(id, at, ticket, target, SlaEvent.Type.STARTED, null, false);
      case "pause" -> new SlaEvent(id, at, ticket, target, SlaEvent.Type.PAUSED, null, false);
      case "fulfill" -> new SlaEvent(id, at, ticket, target, SlaEvent.Type.FULFILLED, null, false);
      case "breach" ->
          e.path("deleted").asBoolean(false)
              ? new Deleted(id, at)
              : new SlaEvent(id, at, ticket, target, SlaEvent.Type.BREACHED, null, false);
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
            SlaEvent.Type.APPLIED,
            Duration.ofMinutes(sla.path("target").asLong()),
            sla.path("business_hours").asBoolean(false));
      }
      default -> null; // update_status, measure, apply_group_sla: not a clock change we use
    };
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
