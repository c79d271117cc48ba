package io.cxexporter.connector.intercom;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps Intercom conversations (items of {@code POST /conversations/search}) to the normalized
 * model. Intercom computes the business-hours durations itself ({@code
 * statistics.time_to_admin_reply}, {@code statistics.time_to_last_close}, "subtracts out of
 * business hours"); the calendar ones are the differences of its timestamps, from the contact's
 * first message ({@code statistics.first_contact_reply_at}). Times are unix seconds.
 */
final class IntercomMapper {
  /** The prefix of a ticket's record id, e.g. {@code ticket-1295}. */
  static final String TICKET_PREFIX = "ticket-";

  private IntercomMapper() {}

  /** Names the mapper needs; each answers the id while the name is unknown. */
  interface Names {
    String team(String id);

    String admin(String id);
  }

  /** The conversation's version time: {@code updated_at}. */
  static Instant updated(JsonNode c) {
    return seconds(c.path("updated_at"));
  }

  static Ticket conversation(JsonNode c, Names names) {
    String id = requiredId(c);
    Instant created = seconds(c.path("created_at"));
    Instant updated = seconds(c.path("updated_at"));
    if (created == null || updated == null) {
      throw new IllegalArgumentException("conversation " + id + " without created_at/updated_at");
    }
    TicketStatus status = status(c);
    JsonNode stats = c.path("statistics"); // null for e.g. an outbound message never answered
    Instant contactFirst = seconds(stats.path("first_contact_reply_at"));
    Instant adminFirst = seconds(stats.path("first_admin_reply_at"));
    Ticket.Builder b =
        Ticket.builder(id)
            .createdAt(created)
            .updatedAt(updated)
            .status(status)
            .priority(priority(c.path("priority")))
            .channel(channel(c.path("source").path("type")))
            .group(ref(c.path("team_assignee_id"), names::team))
            .assignee(ref(c.path("admin_assignee_id"), names::admin))
            .assigneeId(ref(c.path("admin_assignee_id"), v -> v))
            .subject(text(c.path("title")))
            .firstReplyAt(adminFirst)
            .reopens(Math.max(0, stats.path("count_reopens").asInt(0)));
    if (adminFirst != null) {
      b.firstReplyCalendar(between(contactFirst, adminFirst));
      b.firstReplyBusiness(duration(stats.path("time_to_admin_reply")));
    }
    Instant closed = null;
    if (!status.isOpen()) {
      closed = seconds(stats.path("last_close_at"));
      if (closed == null) {
        closed = updated; // closed, but no statistics: the version's time is the best we know
      } else {
        b.resolutionCalendar(between(contactFirst, closed));
        b.resolutionBusiness(duration(stats.path("time_to_last_close")));
      }
      b.solvedAt(closed);
    }
    List<String> tags = new ArrayList<>();
    c.path("tags").path("tags").forEach(t -> tags.add(t.path("name").asText()));
    return b.sla(sla(c.path("sla_applied"), status, closed)).tags(tags).build();
  }

  /**
   * An Intercom ticket (an item of {@code POST /tickets/search}): its state category (submitted →
   * new, in_progress → open, waiting_on_customer → pending, resolved → solved; the {@code open}
   * flag when the category is unknown), team and admin. Intercom gives tickets no reply or close
   * statistics: a resolved ticket is solved at its {@code updated_at}, and no first reply is known.
   * Its record id is {@code ticket-<id>}: ticket and conversation ids are not documented to be
   * apart, and the KPI engine knows a ticket by its id.
   */
  static Ticket ticket(
      JsonNode t,
      java.util.function.UnaryOperator<String> team,
      java.util.function.UnaryOperator<String> admin) {
    String id = requiredId(t);
    Instant created = seconds(t.path("created_at"));
    Instant updated = seconds(t.path("updated_at"));
    if (created == null || updated == null) {
      throw new IllegalArgumentException("ticket " + id + " without created_at/updated_at");
    }
    JsonNode state = t.path("ticket_state"); // an object since 2.14, a plain string before
    String category = state.isObject() ? state.path("category").asText("") : state.asText("");
    TicketStatus status =
        switch (category) {
          case "submitted" -> TicketStatus.NEW;
          case "in_progress" -> TicketStatus.OPEN;
          case "waiting_on_customer" -> TicketStatus.PENDING;
          case "resolved" -> TicketStatus.SOLVED;
          default -> {
            if (t.path("open").isBoolean()) {
              yield t.path("open").asBoolean() ? TicketStatus.OPEN : TicketStatus.SOLVED;
            }
            throw new IllegalArgumentException("unknown ticket state \"" + category + "\"");
          }
        };
    return Ticket.builder(TICKET_PREFIX + id)
        .createdAt(created)
        .updatedAt(updated)
        .status(status)
        .group(ref(t.path("team_assignee_id"), team))
        .assignee(ref(t.path("admin_assignee_id"), admin))
        .assigneeId(ref(t.path("admin_assignee_id"), v -> v))
        .subject(text(t.path("ticket_attributes").path("_default_title_")))
        .solvedAt(status.isOpen() ? null : updated)
        .build();
  }

  /** {@code state}: open → open, snoozed → pending, closed → solved. */
  static TicketStatus status(JsonNode c) {
    String state = c.path("state").asText("");
    return switch (state) {
      case "open" -> TicketStatus.OPEN;
      case "snoozed" -> TicketStatus.PENDING;
      case "closed" -> TicketStatus.SOLVED;
      default -> {
        if (c.path("open").isBoolean()) {
          yield c.path("open").asBoolean() ? TicketStatus.OPEN : TicketStatus.SOLVED;
        }
        throw new IllegalArgumentException("unknown state \"" + state + "\"");
      }
    };
  }

  /** {@code priority}: priority → high, not_priority → normal. */
  static Priority priority(JsonNode p) {
    return switch (p.asText("")) {
      case "priority" -> Priority.HIGH;
      case "not_priority" -> Priority.NORMAL;
      default -> null;
    };
  }

  /** {@code source.type} as a channel; Messenger conversations are chat. */
  static String channel(JsonNode type) {
    String t = text(type);
    if (t == null) {
      return null;
    }
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "conversation" -> "chat";
      case "email" -> "email";
      case "phone_call", "phone_switch" -> "phone";
      case "facebook", "instagram", "twitter", "whatsapp", "sms", "push" -> t;
      default -> "other";
    };
  }

  /**
   * Intercom's SLA summary ({@code sla_applied.sla_status}) says whether the conversation's SLA as
   * a whole was hit or missed, not which of its targets: it is the resolution target here, decided
   * at the close. {@code missed} → breached; {@code hit} on a closed conversation → met at its
   * close; {@code active} (or {@code hit} on a reopened one) → running, with no due time (Intercom
   * does not give one); {@code cancelled} or null (Intercom nulls the status once an SLA is
   * removed) → none.
   */
  static List<SlaStatus> sla(JsonNode applied, TicketStatus status, Instant closed) {
    String s = text(applied.path("sla_status"));
    if (s == null) {
      return List.of();
    }
    return switch (s) {
      case "missed" -> List.of(new SlaStatus(SlaTarget.RESOLUTION, null, closed, true));
      case "hit" ->
          List.of(
              new SlaStatus(SlaTarget.RESOLUTION, null, status.isOpen() ? null : closed, false));
      case "active" -> List.of(new SlaStatus(SlaTarget.RESOLUTION, null, null, false));
      default -> List.of();
    };
  }

  /**
   * The conversation's rating ({@code conversation_rating.rating}, 1-5; 4 and 5 satisfied) as a
   * CSAT answer {@code csat-<conversation id>}, dated when the rating was last set ({@code
   * updated_at}; {@code created_at} is when it was requested, used only without it). Null when the
   * conversation has no rating.
   *
   * @throws IllegalArgumentException for a rating outside 1-5
   */
  static SurveyResponse csat(JsonNode c, String group) {
    JsonNode r = c.path("conversation_rating");
    if (!r.isObject() || r.path("rating").isNull() || r.path("rating").isMissingNode()) {
      return null;
    }
    String id = requiredId(c);
    JsonNode rating = r.path("rating");
    if (!rating.canConvertToInt() || rating.asInt() < 1 || rating.asInt() > 5) {
      throw new IllegalArgumentException("rating " + rating.asText() + " outside 1..5");
    }
    Instant at = seconds(r.path("updated_at"));
    if (at == null) {
      at = seconds(r.path("created_at"));
    }
    if (at == null) {
      throw new IllegalArgumentException("rating without a time");
    }
    return new SurveyResponse(
        "csat-" + id, at, SurveyKind.CSAT, rating.asInt(), 1, 5, at, id, group, null, null);
  }

  static String requiredId(JsonNode n) {
    String id = text(n.path("id"));
    if (id == null) {
      throw new IllegalArgumentException("no id");
    }
    return id;
  }

  /** An id (number or text; 0 and null mean none) as a name. */
  private static String ref(JsonNode id, java.util.function.UnaryOperator<String> name) {
    String v = text(id);
    return v == null || v.equals("0") ? null : name.apply(v);
  }

  private static Duration between(Instant from, Instant to) {
    return from == null || to == null || to.isBefore(from) ? null : Duration.between(from, to);
  }

  private static Duration duration(JsonNode seconds) {
    return seconds.isNumber() && seconds.asLong() >= 0
        ? Duration.ofSeconds(seconds.asLong())
        : null;
  }

  static Instant seconds(JsonNode n) {
    if (n.isNumber()) {
      return Instant.ofEpochSecond(n.asLong());
    }
    if (n.isTextual() && !n.asText().isEmpty()) {
      try {
        return Instant.ofEpochSecond(Long.parseLong(n.asText()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a unix time: \"" + n.asText() + "\"");
      }
    }
    return null;
  }

  private static String text(JsonNode n) {
    return n.isValueNode() && !n.isNull() && !n.asText().isEmpty() ? n.asText() : null;
  }
}
