package io.cxexporter.connector.liveagent;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps LiveAgent API v3 tickets and ranking messages to the normalized model. Dates are {@code
 * YYYY-MM-DD HH:MM:SS} without an offset; every request sends {@code Timezone-Offset: 0}, so they
 * are read as UTC. First response and reopens come from the status history ({@link HistoryBook}),
 * resolution from {@code date_resolved}; LiveAgent has no priority.
 */
final class LiveAgentMapper {
  static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private LiveAgentMapper() {}

  /** Names the mapper needs; each answers the id while the name is unknown. */
  interface Names {
    String department(String id);

    String agent(String id);
  }

  /** A LiveAgent date as UTC (the requests ask for offset 0); null for null or empty. */
  static Instant time(JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      return null;
    }
    return parse(n.asText());
  }

  /** {@code 2026-11-18 08:00:00} as UTC. */
  static Instant parse(String s) {
    try {
      return LocalDateTime.parse(s.trim(), FORMAT).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("date \"" + s + "\" is not YYYY-MM-DD HH:MM:SS");
    }
  }

  /** The filter value of an instant: {@code YYYY-MM-DD HH:MM:SS} in UTC. */
  static String format(long epochSecond) {
    return FORMAT.format(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC));
  }

  /** A ticket's {@code date_changed}: the watermark of the ticket lists. */
  static Instant changed(JsonNode t) {
    return time(t.path("date_changed"));
  }

  /**
   * The record for one listed ticket: a {@link Deleted} for a deleted ({@code X}) or spam ({@code
   * B}) one, else a {@link Ticket} with the history's first answer and reopens, and the requester
   * wait of a solved ticket whose history the book holds whole (calendar time only: connectors have
   * no business calendar, and the wait is a sum of periods the KPI engine cannot derive).
   */
  static Record ticket(JsonNode t, Names names, HistoryBook book) {
    String id = requiredId(t);
    Instant changed = changed(t);
    if (changed == null) {
      throw new IllegalArgumentException("no date_changed");
    }
    String letter = t.path("status").asText("");
    if (letter.equals("X") || letter.equals("B")) {
      Instant deleted = time(t.path("date_deleted"));
      return new Deleted(id, deleted != null && deleted.isAfter(changed) ? deleted : changed);
    }
    TicketStatus status = status(letter);
    Instant created = time(t.path("date_created"));
    if (created == null) {
      throw new IllegalArgumentException("no date_created");
    }
    Instant solvedAt = status.isOpen() ? null : time(t.path("date_resolved"));
    HistoryBook.Summary history = book.summary(id);
    Instant firstReply = history.firstAnswer();
    if (firstReply != null && firstReply.isBefore(created)) {
      firstReply = null; // an answer row dated before the ticket: not a response to it
    }
    List<String> tags = new ArrayList<>();
    t.path("tags").forEach(x -> tags.add(x.asText()));
    String department = text(t.path("departmentid"));
    String agent = text(t.path("agentid"));
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(changed)
        .status(status)
        .priority(null)
        .channel(channel(text(t.path("channel_type"))))
        .group(department == null ? null : names.department(department))
        .assignee(agent == null ? null : names.agent(agent))
        .assigneeId(agent)
        .subject(t.path("subject").asText(null))
        .firstReplyAt(firstReply)
        .solvedAt(solvedAt)
        .reopens(history.reopens())
        .requesterWaitCalendar(book.requesterWait(id, created, letter))
        .tags(tags)
        .build();
  }

  /**
   * LiveAgent's status letters: {@code N} new; {@code C} open (customer replied), {@code T}
   * chatting, {@code P} calling, {@code I} init: open; {@code A} answered (waits on the customer):
   * pending; {@code W} postponed: on hold; {@code R} resolved: solved; {@code L} closed.
   */
  static TicketStatus status(String letter) {
    return switch (letter) {
      case "N" -> TicketStatus.NEW;
      case "C", "T", "P", "I" -> TicketStatus.OPEN;
      case "A" -> TicketStatus.PENDING;
      case "W" -> TicketStatus.ON_HOLD;
      case "R" -> TicketStatus.SOLVED;
      case "L" -> TicketStatus.CLOSED;
      default -> throw new IllegalArgumentException("unknown status \"" + letter + "\"");
    };
  }

  /** LiveAgent's {@code channel_type} letters as channel names; an unknown letter is "other". */
  static String channel(String letter) {
    if (letter == null) {
      return null;
    }
    return switch (letter) {
      case "E" -> "email";
      case "M" -> "contact_form";
      case "B", "I" -> "chat"; // chat button, proactive chat invitation
      case "C", "W" -> "call"; // call, call button
      case "F", "A" -> "facebook"; // post, Messenger
      case "T" -> "twitter";
      case "Q" -> "forum";
      case "S" -> "suggestion";
      default -> "other";
    };
  }

  /**
   * CSAT from one ranking message: {@code W} (reward) is satisfied (1 on a 0..1 scale), {@code P}
   * (punishment) not (0); any other message type is not a rating (null). Dated by the message's
   * {@code datecreated}; group and channel come from the ticket.
   */
  static Record rating(JsonNode message, String ticketId) {
    String type = message.path("type").asText("");
    if (!type.equals("W") && !type.equals("P")) {
      return null;
    }
    String id = requiredId(message);
    Instant at = time(message.path("datecreated"));
    if (at == null) {
      throw new IllegalArgumentException("ranking " + id + " without datecreated");
    }
    return new SurveyResponse(
        id, at, SurveyKind.CSAT, type.equals("W") ? 1 : 0, 0, 1, at, ticketId, null, null, null);
  }

  static String requiredId(JsonNode n) {
    String id = text(n.path("id"));
    if (id == null) {
      throw new IllegalArgumentException("no id");
    }
    return id;
  }

  static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? null : n.asText();
  }
}
