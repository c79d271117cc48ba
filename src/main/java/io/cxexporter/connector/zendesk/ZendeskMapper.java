package io.cxexporter.connector.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.http.RecordFields;
import io.cxexporter.connector.http.TreeFilter;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.util.IsoInstant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * Maps a ticket of Zendesk's incremental export (with {@code include=metric_sets}) to the
 * normalized model. Zendesk's own durations win: {@code reply_time_in_minutes} and {@code
 * full_resolution_time_in_minutes}, both {@code calendar} and {@code business}; a solved ticket
 * also gets Zendesk's {@code requester_wait_time_in_minutes} (time in new, open and on-hold).
 */
final class ZendeskMapper {
  /**
   * The fields of an exported ticket that {@link #ticket} reads: the export's other fields (about
   * two thirds of a page) are parsed but not built into the tree. Keep in step with {@link #ticket}
   * and {@link #updatedAt}.
   */
  static final TreeFilter TICKET_FIELDS =
      TreeFilter.only(
          Map.ofEntries(
              Map.entry("id", TreeFilter.ALL),
              Map.entry("created_at", TreeFilter.ALL),
              Map.entry("updated_at", TreeFilter.ALL),
              Map.entry("generated_timestamp", TreeFilter.ALL),
              Map.entry("status", TreeFilter.ALL),
              Map.entry("priority", TreeFilter.ALL),
              Map.entry("via", TreeFilter.ALL),
              Map.entry("group_id", TreeFilter.ALL),
              Map.entry("assignee_id", TreeFilter.ALL),
              Map.entry("subject", TreeFilter.ALL),
              Map.entry("tags", TreeFilter.ALL),
              Map.entry(
                  "metric_set",
                  TreeFilter.only(
                      "reply_time_in_minutes",
                      "full_resolution_time_in_minutes",
                      "requester_wait_time_in_minutes",
                      "solved_at",
                      "reopens",
                      "replies",
                      "group_stations"))));

  private ZendeskMapper() {}

  /**
   * The record for one exported ticket: a {@link Deleted} for {@code status: deleted}.
   *
   * @param groups group id → name (null when unknown)
   * @param users user id → name (null when unknown)
   */
  static Record ticket(JsonNode t, LongFunction<String> groups, LongFunction<String> users) {
    return ticket(t, groups, users, UnaryOperator.identity());
  }

  /**
   * Like {@link #ticket(JsonNode, LongFunction, LongFunction)}; {@code shared} returns one copy of
   * the values many tickets repeat (channel, tags), which the KPI engine keeps for every ticket.
   */
  static Record ticket(
      JsonNode t,
      LongFunction<String> groups,
      LongFunction<String> users,
      UnaryOperator<String> shared) {
    String id = RecordFields.id(t.path("id"), "id");
    Instant updated = updatedAt(t);
    String status = RecordFields.text(t.path("status"), "status");
    if (status.equals("deleted")) {
      return new Deleted(id, updated);
    }
    Instant created = requiredTime(t.path("created_at"), "created_at");
    JsonNode m = t.path("metric_set");
    Duration replyCal = minutes(m, "reply_time_in_minutes", "calendar");
    Duration replyBus = minutes(m, "reply_time_in_minutes", "business");
    Duration resCal = minutes(m, "full_resolution_time_in_minutes", "calendar");
    Duration resBus = minutes(m, "full_resolution_time_in_minutes", "business");
    JsonNode wait = m.path("requester_wait_time_in_minutes");
    Duration waitCal = waitMinutes(wait, "calendar");
    Duration waitBus = waitMinutes(wait, "business");
    TicketStatus st = status(status);
    Instant solvedAt = instant(m.path("solved_at"));
    List<String> tags = new ArrayList<>();
    t.path("tags").forEach(x -> tags.add(shared.apply(x.asText())));
    int groupStations = m.path("group_stations").asInt(0);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(updated)
        .status(st)
        .priority(Priority.parse(t.path("priority").asText(null)).orElse(null))
        .channel(shared.apply(channel(t.path("via").path("channel").asText(null))))
        .group(t.hasNonNull("group_id") ? groups.apply(t.path("group_id").asLong()) : null)
        .assignee(t.hasNonNull("assignee_id") ? users.apply(t.path("assignee_id").asLong()) : null)
        .assigneeId(
            t.hasNonNull("assignee_id") ? Long.toString(t.path("assignee_id").asLong()) : null)
        .subject(t.path("subject").asText(null))
        .firstReplyAt(replyCal == null ? null : plus(created, replyCal, "reply_time_in_minutes"))
        .firstReplyCalendar(replyCal)
        .firstReplyBusiness(replyBus)
        .solvedAt(st.isOpen() ? null : solvedAt)
        .resolutionCalendar(st.isOpen() ? null : resCal)
        .resolutionBusiness(st.isOpen() ? null : resBus)
        .requesterWaitCalendar(st.isOpen() ? null : waitCal)
        .requesterWaitBusiness(st.isOpen() ? null : waitBus)
        .reopens(m.hasNonNull("reopens") ? count(m.path("reopens"), "reopens") : 0)
        .agentReplies(m.hasNonNull("replies") ? count(m.path("replies"), "replies") : null)
        .escalated(groupStations > 1 || tags.contains("escalated"))
        .tags(tags)
        .build();
  }

  /**
   * The version's time: {@code generated_timestamp} (bumped by system updates too, the export's
   * order) or {@code updated_at}, whichever is later.
   */
  static Instant updatedAt(JsonNode t) {
    Instant updated = instant(t.path("updated_at"));
    long gen = t.path("generated_timestamp").asLong(0);
    Instant g = gen > 0 ? Instant.ofEpochSecond(gen) : null;
    if (updated == null) {
      return g != null ? g : instant(t.path("created_at"));
    }
    return g != null && g.isAfter(updated) ? g : updated;
  }

  static TicketStatus status(String s) {
    return switch (s) {
      case "new" -> TicketStatus.NEW;
      case "pending" -> TicketStatus.PENDING;
      case "hold" -> TicketStatus.ON_HOLD;
      case "solved" -> TicketStatus.SOLVED;
      case "closed" -> TicketStatus.CLOSED;
      default -> TicketStatus.OPEN;
    };
  }

  /** Zendesk's {@code via.channel}, with voice as phone and messaging as chat. */
  static String channel(String c) {
    if (c == null) {
      return null;
    }
    return switch (c) {
      case "voice" -> "phone";
      case "chat", "native_messaging", "messaging" -> "chat";
      default -> c;
    };
  }

  /**
   * A whole number >= 0 of {@code metric_set}: anything else (text, a fraction, a negative) is a
   * mapping error, never a silent 0 that would feed first-contact resolution and replies per
   * ticket.
   */
  static int count(JsonNode n, String field) {
    if (!n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("metric_set." + field + ": not a count: " + n);
    }
    return n.asInt();
  }

  /** One figure of a {@code metric_set} duration in minutes, or null when it is not a number. */
  private static Duration minutes(JsonNode m, String field, String hours) {
    JsonNode n = m.path(field).path(hours);
    return n.isNumber() ? seconds(n, "metric_set." + field + "." + hours) : null;
  }

  /**
   * Minutes as a duration of whole seconds; a figure whose seconds do not fit a {@code long} (or is
   * not finite) is a mapping error, never a duration saturated at the largest value.
   */
  private static Duration seconds(JsonNode minutes, String field) {
    double s = minutes.asDouble() * 60;
    if (!Double.isFinite(s) || Math.abs(s) >= 0x1p63) {
      throw new IllegalArgumentException(field + ": overflows: " + minutes);
    }
    return Duration.ofSeconds(Math.round(s));
  }

  /** {@code created} plus a vendor's duration: past the end of time is a mapping error. */
  private static Instant plus(Instant created, Duration d, String field) {
    try {
      return created.plus(d);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "metric_set." + field + ": overflows: " + d.toMinutes() + " minutes", e);
    }
  }

  /** A required time: missing, null or not ISO-8601 is a mapping error naming the field. */
  private static Instant requiredTime(JsonNode n, String field) {
    String text = RecordFields.text(n, field);
    try {
      return IsoInstant.parse(text);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(field + ": not a time: " + n, e);
    }
  }

  /**
   * One of {@code requester_wait_time_in_minutes}' figures: null when the ticket has none (absent
   * or null); anything but a number of minutes &ge; 0 is refused, never read as a wait.
   *
   * @throws IllegalArgumentException for a value that is not a non-negative number
   */
  static Duration waitMinutes(JsonNode wait, String hours) {
    if (!wait.isMissingNode() && !wait.isNull() && !wait.isObject()) {
      throw new IllegalArgumentException(
          "metric_set.requester_wait_time_in_minutes: not {calendar, business}: " + wait);
    }
    JsonNode n = wait.path(hours);
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isNumber() || n.asDouble() < 0 || !Double.isFinite(n.asDouble())) {
      throw new IllegalArgumentException(
          "metric_set.requester_wait_time_in_minutes." + hours + ": not minutes: " + n);
    }
    return seconds(n, "metric_set.requester_wait_time_in_minutes." + hours);
  }

  private static Instant instant(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? IsoInstant.parse(n.asText()) : null;
  }
}
