package io.cxexporter.connector.hubspot;

import static io.cxexporter.connector.hubspot.Search.property;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.model.Customer;
import io.cxexporter.model.Deal;
import io.cxexporter.model.DealStage;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.util.IsoInstant;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps HubSpot CRM search results ({@code {id, properties: {...}, createdAt, updatedAt}}, every
 * property value a string) to the normalized model.
 */
final class HubspotMapper {
  /** Lifecycle stages that are a customer: {@code evangelist} comes after {@code customer}. */
  static final Set<String> CUSTOMER_STAGES = Set.of("customer", "evangelist");

  private HubspotMapper() {}

  /** When a record was last modified: {@code hs_lastmodifieddate}, else its {@code updatedAt}. */
  static Instant modified(JsonNode r) {
    Instant t = instant(property(r, Search.MODIFIED));
    return t != null ? t : instant(text(r.path("updatedAt")));
  }

  /**
   * A ticket. Status from its pipeline stage: a stage listed in {@code stage_statuses} (by label or
   * id) gets that status, else OPEN stages are open and CLOSED ones solved. While the pipeline is
   * unknown (the lookup not loaded or failing) the ticket's own {@code closed_date} decides: set →
   * solved, empty → open (HubSpot sets it when a ticket enters a closed stage and clears it on
   * reopening). Durations are HubSpot's own, in milliseconds: {@code time_to_first_agent_reply} and
   * {@code time_to_close} (calendar), the {@code _in_operating_hours} variants (business hours).
   */
  static Record ticket(JsonNode t, Directory names, Map<String, TicketStatus> stageStatuses) {
    String id = requiredId(t);
    Instant updated = required(modified(t), "hs_lastmodifieddate");
    Instant created = instant(property(t, "createdate"));
    if (created == null) {
      created = required(instant(text(t.path("createdAt"))), "createdate");
    }
    String pipeline = property(t, "hs_pipeline");
    String stageId = property(t, "hs_pipeline_stage");
    Instant closedDate = instant(property(t, "closed_date"));
    TicketStatus status = null;
    if (stageId != null) {
      status = stageStatuses.get(stageId);
      Directory.Stage stage = pipeline == null ? null : names.ticketStage(pipeline, stageId);
      if (status == null && stage != null) {
        status = stageStatuses.get(stage.label());
        if (status == null) {
          status = stage.closed() ? TicketStatus.SOLVED : TicketStatus.OPEN;
        }
      }
    }
    if (status == null) {
      status = closedDate != null ? TicketStatus.SOLVED : TicketStatus.OPEN;
    }
    Instant firstReply = instant(property(t, "first_agent_reply_date"));
    Instant solvedAt = status.isOpen() ? null : closedDate;
    List<SlaStatus> sla = new ArrayList<>(2);
    Instant frDue = instant(property(t, "hs_time_to_first_response_sla_at"));
    if (frDue != null) {
      sla.add(new SlaStatus(SlaTarget.FIRST_RESPONSE, frDue, firstReply, false));
    }
    Instant closeDue = instant(property(t, "hs_time_to_close_sla_at"));
    if (closeDue != null) {
      sla.add(new SlaStatus(SlaTarget.RESOLUTION, closeDue, solvedAt, false));
    }
    String owner = property(t, "hubspot_owner_id");
    String team = property(t, "hubspot_team_id");
    String group = team != null ? names.team(team) : owner != null ? names.ownerTeam(owner) : null;
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(updated)
        .status(status)
        .priority(priority(property(t, "hs_ticket_priority")))
        .channel(channel(property(t, "source_type")))
        .group(group)
        .assignee(owner == null ? null : names.owner(owner))
        .assigneeId(owner)
        .subject(property(t, "subject"))
        .firstReplyAt(firstReply)
        .firstReplyCalendar(millis(property(t, "time_to_first_agent_reply")))
        .firstReplyBusiness(millis(property(t, "hs_time_to_first_response_in_operating_hours")))
        .solvedAt(solvedAt)
        .resolutionCalendar(solvedAt == null ? null : millis(property(t, "time_to_close")))
        .resolutionBusiness(
            solvedAt == null ? null : millis(property(t, "hs_time_to_close_in_operating_hours")))
        .sla(sla)
        .build();
  }

  /** {@code hs_ticket_priority}: LOW, MEDIUM (normal), HIGH, URGENT; anything else none. */
  static Priority priority(String p) {
    if (p == null) {
      return null;
    }
    return switch (p.toUpperCase(Locale.ROOT)) {
      case "LOW" -> Priority.LOW;
      case "MEDIUM" -> Priority.NORMAL;
      case "HIGH" -> Priority.HIGH;
      case "URGENT" -> Priority.URGENT;
      default -> null;
    };
  }

  /** {@code source_type}: EMAIL, CHAT, PHONE, FORM (web) and others, in lower case. */
  static String channel(String source) {
    if (source == null) {
      return null;
    }
    String s = source.toLowerCase(Locale.ROOT);
    return s.equals("form") ? "web" : s;
  }

  /**
   * A feedback submission: {@code hs_survey_type} NPS (0-10), CES (1-7) or CSAT, whose {@code
   * hs_value} is 0, 1 or 2 (unhappy, neutral, happy). The engine counts a two-point CSAT scale's
   * top as satisfied and a wider scale's top two points, which on 0..2 would count a neutral 1 as
   * satisfied: so CSAT is emitted on 0..1, happy (2) as 1 and neutral or unhappy as 0 ({@code
   * score="good"} / {@code "bad"}). Other survey types (CUSTOM, KNOWLEDGE) are skipped; a value off
   * its scale is rejected.
   */
  static Record feedback(JsonNode f) {
    String id = requiredId(f);
    String type = property(f, "hs_survey_type");
    SurveyKind kind;
    try {
      kind = type == null ? null : SurveyKind.valueOf(type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      kind = null;
    }
    if (kind == null) {
      return null;
    }
    String raw = property(f, "hs_value");
    if (raw == null) {
      throw new IllegalArgumentException("no hs_value");
    }
    double value;
    try {
      value = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("hs_value \"" + raw + "\" is not a number");
    }
    Instant updated = required(modified(f), "hs_lastmodifieddate");
    Instant responded = instant(property(f, "hs_submission_timestamp"));
    if (responded == null) {
      responded = required(instant(text(f.path("createdAt"))), "hs_submission_timestamp");
    }
    double score = value;
    double min;
    double max;
    switch (kind) {
      case NPS -> {
        min = 0;
        max = 10;
      }
      case CES -> {
        min = 1;
        max = 7;
      }
      default -> {
        if (value != 0 && value != 1 && value != 2) {
          throw new IllegalArgumentException("CSAT hs_value " + raw + " is not 0, 1 or 2");
        }
        score = value == 2 ? 1 : 0;
        min = 0;
        max = 1;
      }
    }
    return new SurveyResponse(
        id, updated, kind, score, min, max, responded, null, null, null, null);
  }

  /**
   * A deal: won, lost or open by its pipeline stage. While the pipeline is unknown the deal's own
   * {@code hs_is_closed_won} / {@code hs_is_closed} decide (won; closed and not won: lost; else
   * open). A closed deal's {@code closedate} puts it in a window; one without is rejected.
   */
  static Record deal(JsonNode d, Directory names) {
    String id = requiredId(d);
    Instant updated = required(modified(d), "hs_lastmodifieddate");
    Instant created = instant(property(d, "createdate"));
    if (created == null) {
      created = required(instant(text(d.path("createdAt"))), "createdate");
    }
    String pipeline = property(d, "pipeline");
    String stageId = property(d, "dealstage");
    Directory.Stage stage =
        pipeline == null || stageId == null ? null : names.dealStage(pipeline, stageId);
    DealStage outcome;
    if (stage != null && stage.deal() != null) {
      outcome = stage.deal();
    } else if ("true".equalsIgnoreCase(property(d, "hs_is_closed_won"))) {
      outcome = DealStage.WON;
    } else if ("true".equalsIgnoreCase(property(d, "hs_is_closed"))) {
      outcome = DealStage.LOST;
    } else {
      outcome = DealStage.OPEN;
    }
    Instant closed = null;
    if (outcome != DealStage.OPEN) {
      closed = instant(property(d, "closedate"));
      if (closed == null) {
        throw new IllegalArgumentException("a " + outcome + " deal without closedate");
      }
    }
    return new Deal(id, updated, created, outcome, closed, number(property(d, "amount")));
  }

  /**
   * A company that is or was a customer: since {@code hs_lifecyclestage_customer_date}; companies
   * without it are not customers and are skipped. {@code churned} is the churn time the stream
   * found (the configured property, or the lifecycle history), or null; a churn before the customer
   * date is an old churn of a company that came back, so it is active again.
   */
  static Record company(JsonNode c, Instant churned, String mrrProperty) {
    String id = requiredId(c);
    Instant since = instant(property(c, "hs_lifecyclestage_customer_date"));
    if (since == null) {
      return null;
    }
    Instant updated = required(modified(c), "hs_lastmodifieddate");
    if (churned != null && churned.isBefore(since)) {
      churned = null;
    }
    Double mrr = mrrProperty == null ? null : number(property(c, mrrProperty));
    return new Customer(id, updated, since, churned, mrr);
  }

  /** True when a company's lifecycle stage is no longer a customer's. */
  static boolean leftCustomerStage(JsonNode c) {
    String stage = property(c, "lifecyclestage");
    return property(c, "hs_lifecyclestage_customer_date") != null
        && stage != null
        && !CUSTOMER_STAGES.contains(stage.toLowerCase(Locale.ROOT));
  }

  /**
   * A HubSpot time: ISO-8601 ({@code 2026-11-18T08:00:00.000Z}), a date ({@code 2026-11-18}, the
   * start of that UTC day: date properties hold midnight UTC) or epoch milliseconds; null for none.
   *
   * @throws IllegalArgumentException for anything else
   */
  static Instant instant(String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      if (v.chars().allMatch(Character::isDigit)) {
        return Instant.ofEpochMilli(Long.parseLong(v));
      }
      if (v.length() == 10) {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return IsoInstant.parse(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable time \"" + v + "\"");
    }
  }

  private static Duration millis(String v) {
    if (v == null) {
      return null;
    }
    try {
      long ms = Math.round(Double.parseDouble(v));
      return ms < 0 ? null : Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration \"" + v + "\" is not milliseconds");
    }
  }

  private static Double number(String v) {
    if (v == null) {
      return null;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + v + "\" is not a number");
    }
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? null : n.asText();
  }

  private static <T> T required(T v, String what) {
    if (v == null) {
      throw new IllegalArgumentException("no " + what);
    }
    return v;
  }

  private static String requiredId(JsonNode n) {
    if (!n.hasNonNull("id")) {
      throw new IllegalArgumentException("no id");
    }
    return n.path("id").asText();
  }
}
