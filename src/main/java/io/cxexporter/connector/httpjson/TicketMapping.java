package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The {@code map:} block of a {@code tickets} stream: one {@link FieldSpec} per field of {@link
 * Ticket}, in snake_case. {@code id}, {@code created_at} and {@code status} are required ({@code
 * updated_at} defaults to {@code created_at}). A record whose {@code deleted} field is true becomes
 * a {@link Deleted} tombstone. A {@code solved_at} on a ticket whose status is in the backlog (a
 * reopened ticket that still carries its old resolution time) is ignored.
 */
final class TicketMapping {
  static final Set<String> STATUSES =
      Arrays.stream(TicketStatus.values()).map(TicketStatus::label).collect(Collectors.toSet());
  static final Set<String> PRIORITIES =
      Arrays.stream(Priority.values()).map(Priority::label).collect(Collectors.toSet());
  static final Set<String> BOOLEANS = Set.of("true", "false");

  final FieldSpec id;
  final FieldSpec createdAt;
  final FieldSpec updatedAt;
  final FieldSpec status;
  final FieldSpec priority;
  final FieldSpec channel;
  final FieldSpec group;
  final FieldSpec assignee;
  final FieldSpec subject;
  final FieldSpec firstReplyAt;
  final FieldSpec solvedAt;
  final FieldSpec firstReplyCalendar;
  final FieldSpec firstReplyBusiness;
  final FieldSpec resolutionCalendar;
  final FieldSpec resolutionBusiness;
  final FieldSpec reopens;
  final FieldSpec agentReplies;
  final FieldSpec escalated;
  final FieldSpec tags;
  final FieldSpec deleted;

  private TicketMapping(Settings m, TimeFormat times) {
    id = required(m, "id", null, times);
    createdAt = required(m, "created_at", null, times);
    updatedAt = FieldSpec.read(m, "updated_at", null, times);
    status = required(m, "status", STATUSES, times);
    priority = FieldSpec.read(m, "priority", PRIORITIES, times);
    channel = FieldSpec.read(m, "channel", null, times);
    group = FieldSpec.read(m, "group", null, times);
    assignee = FieldSpec.read(m, "assignee", null, times);
    subject = FieldSpec.read(m, "subject", null, times);
    firstReplyAt = FieldSpec.read(m, "first_reply_at", null, times);
    solvedAt = FieldSpec.read(m, "solved_at", null, times);
    firstReplyCalendar = FieldSpec.read(m, "first_reply_calendar", null, times);
    firstReplyBusiness = FieldSpec.read(m, "first_reply_business", null, times);
    resolutionCalendar = FieldSpec.read(m, "resolution_calendar", null, times);
    resolutionBusiness = FieldSpec.read(m, "resolution_business", null, times);
    reopens = FieldSpec.read(m, "reopens", null, times);
    agentReplies = FieldSpec.read(m, "agent_replies", null, times);
    escalated = FieldSpec.read(m, "escalated", BOOLEANS, times);
    tags = FieldSpec.read(m, "tags", null, times);
    deleted = FieldSpec.read(m, "deleted", BOOLEANS, times);
  }

  /**
   * Reads a {@code map:} block; problems (unknown fields included, via the block's finish) go to
   * {@code m}.
   *
   * @param times the default format of time fields (the stream's {@code since.field_format})
   */
  static TicketMapping read(Settings m, TimeFormat times) {
    return new TicketMapping(m, times);
  }

  private static FieldSpec required(Settings m, String name, Set<String> allowed, TimeFormat t) {
    if (!m.has(name)) {
      m.problem(name, "required");
    }
    return FieldSpec.read(m, name, allowed, t);
  }

  /** The fields that name a lookup table, for checking the table exists. */
  List<FieldSpec> withLookups() {
    return java.util.stream.Stream.of(
            id, status, priority, channel, group, assignee, subject, tags, deleted, escalated)
        .filter(f -> f != null && f.lookup() != null)
        .toList();
  }

  /**
   * The record for one item.
   *
   * @param names (table, id) → name, or the id while unknown
   * @throws IllegalArgumentException (or NullPointerException) for an item that cannot be mapped
   */
  Record map(JsonNode item, BiFunction<String, String, String> names) {
    String ticketId = id.text(item, null);
    if (ticketId == null) {
      throw new IllegalArgumentException("no id");
    }
    Instant created = createdAt.instant(item);
    Instant updated = updatedAt == null ? null : updatedAt.instant(item);
    if (deleted != null && deleted.bool(item)) {
      Instant at = updated != null ? updated : created;
      if (at == null) {
        throw new IllegalArgumentException("deleted ticket without updated_at or created_at");
      }
      return new Deleted(ticketId, at);
    }
    if (created == null) {
      throw new IllegalArgumentException(createdAt.key() + ": missing");
    }
    String s = status.text(item, null);
    TicketStatus st = s == null ? null : parseStatus(s);
    if (st == null) {
      throw new IllegalArgumentException(status.key() + ": missing or not a status: " + s);
    }
    Instant solved = solvedAt == null || st.isOpen() ? null : solvedAt.instant(item);
    Ticket.Builder b =
        Ticket.builder(ticketId)
            .createdAt(created)
            .updatedAt(updated)
            .status(st)
            .priority(priority == null ? null : priority(priority.text(item, null)))
            .channel(text(channel, item, names))
            .group(text(group, item, names))
            .assignee(text(assignee, item, names))
            .subject(text(subject, item, names))
            .firstReplyAt(firstReplyAt == null ? null : firstReplyAt.instant(item))
            .solvedAt(solved)
            .reopens(reopens == null ? 0 : reopens.count(item))
            .agentReplies(agentReplies == null ? null : agentReplies.optionalCount(item))
            .escalated(escalated != null && escalated.bool(item))
            .tags(tags == null ? List.of() : List.copyOf(new LinkedHashSet<>(tags.strings(item))));
    if (firstReplyCalendar != null) {
      b.firstReplyCalendar(firstReplyCalendar.duration(item));
    }
    if (firstReplyBusiness != null) {
      b.firstReplyBusiness(firstReplyBusiness.duration(item));
    }
    if (resolutionCalendar != null && !st.isOpen()) {
      b.resolutionCalendar(resolutionCalendar.duration(item));
    }
    if (resolutionBusiness != null && !st.isOpen()) {
      b.resolutionBusiness(resolutionBusiness.duration(item));
    }
    return b.build();
  }

  private static String text(FieldSpec f, JsonNode item, BiFunction<String, String, String> names) {
    if (f == null) {
      return null;
    }
    return f.text(item, f.lookup() == null ? null : v -> names.apply(f.lookup(), v));
  }

  private static TicketStatus parseStatus(String s) {
    for (TicketStatus t : TicketStatus.values()) {
      if (t.label().equals(s)) {
        return t;
      }
    }
    return null;
  }

  /** A priority; a value that is none is a mapping error (map it with {@code values}). */
  private Priority priority(String p) {
    if (p == null) {
      return null;
    }
    return Priority.parse(p)
        .orElseThrow(
            () -> new IllegalArgumentException(priority.key() + ": not a priority: \"" + p + "\""));
  }
}
