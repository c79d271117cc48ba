package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.config.Settings;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Instant;
import java.util.ArrayList;
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
 * a {@link Deleted} tombstone; a stream of tombstones only ({@code deleted: {value: true}}, e.g.
 * Freshdesk's {@code filter=deleted} list) needs no {@code created_at} or {@code status}. A {@code
 * solved_at} on a ticket whose status is in the backlog (a reopened ticket that still carries its
 * old resolution time) is ignored. Without {@code first_reply_at}, the first reply is {@code
 * created_at + first_reply_calendar} when that is mapped. {@code sla_first_reply_due_at} and {@code
 * sla_resolution_due_at} are the vendor's SLA due times: the first is met by the first reply, the
 * second by the solve time.
 */
final class TicketMapping implements RecordMapping {
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
  final FieldSpec assigneeId;
  final FieldSpec subject;
  final FieldSpec firstReplyAt;
  final FieldSpec solvedAt;
  final FieldSpec firstReplyCalendar;
  final FieldSpec firstReplyBusiness;
  final FieldSpec resolutionCalendar;
  final FieldSpec resolutionBusiness;
  final FieldSpec requesterWaitCalendar;
  final FieldSpec requesterWaitBusiness;
  final FieldSpec reopens;
  final FieldSpec agentReplies;
  final FieldSpec escalated;
  final FieldSpec tags;
  final FieldSpec deleted;
  final FieldSpec slaFirstReplyDue;
  final FieldSpec slaResolutionDue;

  private TicketMapping(Settings m, TimeFormat times) {
    deleted = FieldSpec.read(m, "deleted", BOOLEANS, times);
    boolean tombstones = deleted != null && deleted.isConstantTrue();
    id = RecordMapping.required(m, "id", null, times);
    createdAt =
        tombstones
            ? FieldSpec.time(m, "created_at", FieldSpec.read(m, "created_at", null, times))
            : FieldSpec.time(m, "created_at", RecordMapping.required(m, "created_at", null, times));
    updatedAt = FieldSpec.time(m, "updated_at", FieldSpec.read(m, "updated_at", null, times));
    if (tombstones && updatedAt == null && createdAt == null) {
      m.problem("updated_at", "required for a list of tombstones (deleted: {value: true})");
    }
    status =
        tombstones
            ? FieldSpec.read(m, "status", STATUSES, times)
            : RecordMapping.required(m, "status", STATUSES, times);
    priority = FieldSpec.read(m, "priority", PRIORITIES, times);
    channel = FieldSpec.read(m, "channel", null, times);
    group = FieldSpec.read(m, "group", null, times);
    assignee = FieldSpec.read(m, "assignee", null, times);
    assigneeId = FieldSpec.read(m, "assignee_id", null, times);
    subject = FieldSpec.read(m, "subject", null, times);
    firstReplyAt =
        FieldSpec.time(m, "first_reply_at", FieldSpec.read(m, "first_reply_at", null, times));
    solvedAt = FieldSpec.time(m, "solved_at", FieldSpec.read(m, "solved_at", null, times));
    firstReplyCalendar = FieldSpec.read(m, "first_reply_calendar", null, times);
    firstReplyBusiness = FieldSpec.read(m, "first_reply_business", null, times);
    resolutionCalendar = FieldSpec.read(m, "resolution_calendar", null, times);
    resolutionBusiness = FieldSpec.read(m, "resolution_business", null, times);
    requesterWaitCalendar = FieldSpec.read(m, "requester_wait_calendar", null, times);
    requesterWaitBusiness = FieldSpec.read(m, "requester_wait_business", null, times);
    reopens = FieldSpec.read(m, "reopens", null, times);
    agentReplies = FieldSpec.read(m, "agent_replies", null, times);
    escalated = FieldSpec.read(m, "escalated", BOOLEANS, times);
    tags = FieldSpec.read(m, "tags", null, times);
    slaFirstReplyDue =
        FieldSpec.time(
            m, "sla_first_reply_due_at", FieldSpec.read(m, "sla_first_reply_due_at", null, times));
    slaResolutionDue =
        FieldSpec.time(
            m, "sla_resolution_due_at", FieldSpec.read(m, "sla_resolution_due_at", null, times));
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

  @Override
  public FieldSpec id() {
    return id;
  }

  @Override
  public java.util.Set<String> lookupFields() {
    return java.util.Set.of("channel", "group", "assignee", "subject");
  }

  @Override
  public List<FieldSpec> fields() {
    return RecordMapping.present(
        id,
        createdAt,
        updatedAt,
        status,
        priority,
        channel,
        group,
        assignee,
        assigneeId,
        subject,
        firstReplyAt,
        solvedAt,
        firstReplyCalendar,
        firstReplyBusiness,
        resolutionCalendar,
        resolutionBusiness,
        requesterWaitCalendar,
        requesterWaitBusiness,
        reopens,
        agentReplies,
        escalated,
        tags,
        deleted,
        slaFirstReplyDue,
        slaResolutionDue);
  }

  /**
   * The agent's id: {@code assignee_id} when mapped, else the id an {@code assignee} lookup turns
   * into the name (the value before the lookup), else null.
   */
  private String assigneeId(JsonNode item) {
    if (assigneeId != null) {
      return assigneeId.text(item, null);
    }
    return assignee != null && assignee.lookup() != null ? assignee.text(item, null) : null;
  }

  /**
   * The record for one item.
   *
   * @param names (table, id) → name, or the id while unknown
   * @throws IllegalArgumentException (or NullPointerException) for an item that cannot be mapped
   */
  @Override
  public Record map(JsonNode item, BiFunction<String, String, String> names) {
    String ticketId = RecordMapping.id(id, item);
    Instant created = createdAt == null ? null : createdAt.instant(item);
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
    java.time.Duration replyCalendar =
        firstReplyCalendar == null ? null : firstReplyCalendar.duration(item);
    Instant firstReply = firstReplyAt == null ? null : firstReplyAt.instant(item);
    if (firstReplyAt == null && replyCalendar != null) {
      firstReply = created.plus(replyCalendar);
    }
    List<SlaStatus> sla = new ArrayList<>(2);
    Instant replyDue = slaFirstReplyDue == null ? null : slaFirstReplyDue.instant(item);
    if (replyDue != null) {
      sla.add(new SlaStatus(SlaTarget.FIRST_RESPONSE, replyDue, firstReply, false));
    }
    Instant solveDue = slaResolutionDue == null ? null : slaResolutionDue.instant(item);
    if (solveDue != null) {
      sla.add(new SlaStatus(SlaTarget.RESOLUTION, solveDue, solved, false));
    }
    Ticket.Builder b =
        Ticket.builder(ticketId)
            .createdAt(created)
            .updatedAt(updated)
            .status(st)
            .priority(priority == null ? null : priority(priority.text(item, null)))
            .channel(RecordMapping.text(channel, item, names))
            .group(RecordMapping.text(group, item, names))
            .assignee(RecordMapping.text(assignee, item, names))
            .assigneeId(assigneeId(item))
            .subject(RecordMapping.text(subject, item, names))
            .firstReplyAt(firstReply)
            .solvedAt(solved)
            .reopens(reopens == null ? 0 : reopens.count(item))
            .agentReplies(agentReplies == null ? null : agentReplies.optionalCount(item))
            .escalated(escalated != null && escalated.bool(item))
            .tags(tags == null ? List.of() : List.copyOf(new LinkedHashSet<>(tags.strings(item))));
    if (!sla.isEmpty()) {
      b.sla(sla);
    }
    if (firstReplyCalendar != null) {
      b.firstReplyCalendar(replyCalendar);
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
    if (requesterWaitCalendar != null && !st.isOpen()) {
      b.requesterWaitCalendar(requesterWaitCalendar.duration(item));
    }
    if (requesterWaitBusiness != null && !st.isOpen()) {
      b.requesterWaitBusiness(requesterWaitBusiness.duration(item));
    }
    return b.build();
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
