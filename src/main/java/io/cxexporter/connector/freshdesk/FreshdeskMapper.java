package io.cxexporter.connector.freshdesk;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.util.IsoInstant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps Freshdesk tickets (listed with {@code include=stats}) and satisfaction ratings to the
 * normalized model. Freshdesk computes no durations: first response and resolution are derived from
 * {@code stats.first_responded_at} / {@code stats.resolved_at} minus {@code created_at}; SLA due
 * times are Freshdesk's own {@code fr_due_by} and {@code due_by}.
 */
final class FreshdeskMapper {
  private FreshdeskMapper() {}

  /** Names the mapper needs; each answers the id (as text) while the name is unknown. */
  interface Names {
    String group(long id);

    String agent(long id);

    String status(int code);
  }

  /**
   * The record for one listed ticket: a {@link Deleted} for one flagged {@code deleted} or {@code
   * spam} (the default list never returns those; the {@code filter=deleted} stream does).
   */
  static Record ticket(JsonNode t, Names names, Map<String, TicketStatus> customStatuses) {
    String id = requiredId(t);
    Instant updated = IsoInstant.parse(t.path("updated_at").asText());
    if (t.path("deleted").asBoolean(false) || t.path("spam").asBoolean(false)) {
      return new Deleted(id, updated);
    }
    Instant created = IsoInstant.parse(t.path("created_at").asText());
    JsonNode stats = t.path("stats");
    TicketStatus status = status(t.path("status").asInt(0), names, customStatuses);
    Instant firstResponded = instant(stats.path("first_responded_at"));
    Instant solvedAt = null;
    if (!status.isOpen()) {
      solvedAt = instant(stats.path("resolved_at"));
      if (solvedAt == null) {
        solvedAt = instant(stats.path("closed_at"));
      }
    }
    List<SlaStatus> sla = new ArrayList<>(2);
    Instant frDue = instant(t.path("fr_due_by"));
    if (frDue != null) {
      sla.add(new SlaStatus(SlaTarget.FIRST_RESPONSE, frDue, firstResponded, false));
    }
    Instant due = instant(t.path("due_by"));
    if (due != null) {
      sla.add(new SlaStatus(SlaTarget.RESOLUTION, due, solvedAt, false));
    }
    List<String> tags = new ArrayList<>();
    t.path("tags").forEach(x -> tags.add(x.asText()));
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(updated)
        .status(status)
        .priority(priority(t.path("priority").asInt(0)))
        .channel(channel(t.path("source").asInt(0)))
        .group(t.hasNonNull("group_id") ? names.group(t.path("group_id").asLong()) : null)
        .assignee(
            t.hasNonNull("responder_id") ? names.agent(t.path("responder_id").asLong()) : null)
        .assigneeId(
            t.hasNonNull("responder_id") ? Long.toString(t.path("responder_id").asLong()) : null)
        .subject(t.path("subject").asText(null))
        .firstReplyAt(firstResponded)
        .solvedAt(solvedAt)
        .reopens(instant(stats.path("reopened_at")) == null ? 0 : 1)
        .escalated(
            t.path("is_escalated").asBoolean(false) || t.path("fr_escalated").asBoolean(false))
        .sla(sla)
        .tags(tags)
        .build();
  }

  /** A tombstone for an item of the {@code filter=deleted} list. */
  static Record deleted(JsonNode t) {
    return new Deleted(requiredId(t), IsoInstant.parse(t.path("updated_at").asText()));
  }

  /**
   * Freshdesk's status codes: 2 open, 3 pending, 4 resolved (solved), 5 closed; 6 and above are
   * custom statuses, mapped by their label (or their code) in {@code custom_statuses}, else on
   * hold.
   */
  static TicketStatus status(int code, Names names, Map<String, TicketStatus> custom) {
    return switch (code) {
      case 2 -> TicketStatus.OPEN;
      case 3 -> TicketStatus.PENDING;
      case 4 -> TicketStatus.SOLVED;
      case 5 -> TicketStatus.CLOSED;
      default -> {
        if (code < 6) {
          throw new IllegalArgumentException("unknown status " + code);
        }
        TicketStatus byCode = custom.get(Integer.toString(code));
        if (byCode != null) {
          yield byCode;
        }
        yield custom.getOrDefault(names.status(code), TicketStatus.ON_HOLD);
      }
    };
  }

  /** 1 low, 2 medium (normal), 3 high, 4 urgent. */
  static Priority priority(int code) {
    return switch (code) {
      case 1 -> Priority.LOW;
      case 2 -> Priority.NORMAL;
      case 3 -> Priority.HIGH;
      case 4 -> Priority.URGENT;
      default -> null;
    };
  }

  /** Freshdesk's {@code source} codes as channel names. */
  static String channel(int source) {
    return switch (source) {
      case 1, 10 -> "email"; // 10: outbound email
      case 2, 9 -> "web"; // portal, feedback widget
      case 3 -> "phone";
      case 4 -> "forum";
      case 5 -> "twitter";
      case 6 -> "facebook";
      case 7 -> "chat";
      case 8 -> "mobile"; // MobiHelp
      case 11 -> "ecommerce";
      case 12 -> "bot";
      case 13 -> "whatsapp";
      case 0 -> null;
      default -> "other";
    };
  }

  /**
   * A satisfaction rating: {@code ratings.default_question} on Freshdesk's scale (103, 102, 101
   * happy; 100 neutral; -101, -102, -103 unhappy). Positive is satisfied (1 on a 0..1 scale);
   * neutral and negative are rated but not satisfied (0). A rating without an answer to the default
   * question is skipped; any other value is not a rating this connector can read.
   */
  static Record rating(JsonNode r, Names names) {
    String id = requiredId(r);
    JsonNode q = r.path("ratings").path("default_question");
    if (q.isMissingNode() || q.isNull()) {
      return null;
    }
    if (!q.canConvertToInt() || !isScaleValue(q.asInt())) {
      throw new IllegalArgumentException("rating " + q.asText() + " outside Freshdesk's scale");
    }
    Instant created = IsoInstant.parse(r.path("created_at").asText());
    Instant updated = instant(r.path("updated_at"));
    return new SurveyResponse(
        id,
        updated == null ? created : updated,
        SurveyKind.CSAT,
        q.asInt() > 100 ? 1 : 0,
        0,
        1,
        created,
        r.hasNonNull("ticket_id") ? r.path("ticket_id").asText() : null,
        r.hasNonNull("group_id") ? names.group(r.path("group_id").asLong()) : null,
        null,
        null);
  }

  private static boolean isScaleValue(int v) {
    return v == 100 || (Math.abs(v) >= 101 && Math.abs(v) <= 103);
  }

  private static String requiredId(JsonNode n) {
    if (!n.hasNonNull("id")) {
      throw new IllegalArgumentException("no id");
    }
    return n.path("id").asText();
  }

  private static Instant instant(JsonNode n) {
    return n.isTextual() && !n.asText().isEmpty() ? IsoInstant.parse(n.asText()) : null;
  }
}
