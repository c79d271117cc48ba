package io.cxexporter.connector.jsm;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.http.RecordFields;
import io.cxexporter.model.Priority;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.util.IsoInstant;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps an issue of {@code /rest/api/3/search/jql} to the normalized model. Jira's own SLA clocks
 * win: the first response and resolution durations come from the SLA fields' cycles ({@code
 * elapsedTime} is business time on the SLA's calendar, {@code stopTime - startTime} calendar time),
 * and their {@code breached} / {@code breachTime} become the ticket's {@link SlaStatus}.
 */
final class JiraMapper {
  /** Jira's default priority scheme. */
  static final Map<String, Priority> DEFAULT_PRIORITIES =
      Map.of(
          "highest", Priority.URGENT,
          "high", Priority.HIGH,
          "medium", Priority.NORMAL,
          "low", Priority.LOW,
          "lowest", Priority.LOW);

  /** The field ids found on the site; null for those it does not have (or not known yet). */
  record FieldIds(
      String slaFirstResponse,
      String slaResolution,
      String requestType,
      String satisfaction,
      String satisfactionDate) {}

  /** What the mapper needs from the options. */
  record Rules(List<String> pendingStatuses, Map<String, Priority> priorities, String groupBy) {}

  private JiraMapper() {}

  /** The version's time: {@code fields.updated}. */
  static Instant updated(JsonNode issue) {
    return time(issue.path("fields").path("updated"));
  }

  static Ticket ticket(JsonNode issue, FieldIds ids, Rules rules) {
    String id = issue.path("id").asText("");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("issue without an id");
    }
    JsonNode f = issue.path("fields");
    Instant created = time(f.path("created"));
    Instant updated = time(f.path("updated"));
    if (created == null || updated == null) {
      throw new IllegalArgumentException("issue " + id + " without created/updated");
    }
    TicketStatus status = status(f.path("status"), rules.pendingStatuses());
    Instant resolved = time(f.path("resolutiondate"));
    if (resolved == null && !status.isOpen()) {
      Instant changed = time(f.path("statuscategorychangedate"));
      resolved = changed != null ? changed : updated;
    }
    Ticket.Builder b =
        Ticket.builder(id)
            .createdAt(created)
            .updatedAt(updated)
            .status(status)
            .priority(priority(f.path("priority"), rules.priorities()))
            .group(group(f, ids, rules.groupBy()))
            .assignee(text(f.path("assignee").path("displayName")))
            .assigneeId(text(f.path("assignee").path("accountId")))
            .subject(text(f.path("summary")))
            .solvedAt(status.isOpen() ? null : resolved)
            .reopens(reopens(issue.path("changelog")));
    List<SlaStatus> sla = new ArrayList<>(2);
    JsonNode first = ids.slaFirstResponse() == null ? null : f.get(ids.slaFirstResponse());
    if (first != null && first.isObject()) {
      SlaStatus s = firstResponse(first, b);
      if (s != null) {
        sla.add(s);
      }
    }
    JsonNode res = ids.slaResolution() == null ? null : f.get(ids.slaResolution());
    if (res != null && res.isObject()) {
      SlaStatus s = resolution(res, b, !status.isOpen());
      if (s != null) {
        sla.add(s);
      }
    }
    return b.sla(sla).build();
  }

  /**
   * The first completed cycle of "Time to first response" is the first reply: its stop time, its
   * calendar length (stop - start) and its business length ({@code elapsedTime}); without one, the
   * ongoing cycle is the running target (due at its {@code breachTime}).
   */
  private static SlaStatus firstResponse(JsonNode sla, Ticket.Builder b) {
    JsonNode done = sla.path("completedCycles");
    if (done.isArray() && done.size() > 0) {
      JsonNode c = done.get(0);
      Instant start = epoch(c.path("startTime"));
      Instant stop = epoch(c.path("stopTime"));
      if (stop != null) {
        b.firstReplyAt(stop);
        if (start != null) {
          b.firstReplyCalendar(Duration.between(start, stop));
        }
        b.firstReplyBusiness(millis(c.path("elapsedTime")));
      }
      return new SlaStatus(
          SlaTarget.FIRST_RESPONSE,
          epoch(c.path("breachTime")),
          stop,
          c.path("breached").asBoolean(false));
    }
    return ongoing(SlaTarget.FIRST_RESPONSE, sla.path("ongoingCycle"));
  }

  /**
   * "Time to resolution": while a cycle is ongoing (open, or reopened) the target runs; once done,
   * the completed cycles add up to the resolution time (calendar: Σ stop - start, business: Σ
   * elapsedTime) and the last one says met or breached.
   */
  private static SlaStatus resolution(JsonNode sla, Ticket.Builder b, boolean solved) {
    JsonNode ongoing = sla.path("ongoingCycle");
    JsonNode done = sla.path("completedCycles");
    if (solved && done.isArray() && done.size() > 0) {
      Duration cal = Duration.ZERO;
      Duration bus = Duration.ZERO;
      boolean anyBus = false;
      for (JsonNode c : done) {
        Instant start = epoch(c.path("startTime"));
        Instant stop = epoch(c.path("stopTime"));
        if (start != null && stop != null) {
          cal = cal.plus(Duration.between(start, stop));
        }
        Duration e = millis(c.path("elapsedTime"));
        if (e != null) {
          bus = bus.plus(e);
          anyBus = true;
        }
      }
      b.resolutionCalendar(cal);
      b.resolutionBusiness(anyBus ? bus : null);
      boolean breached = false;
      for (JsonNode c : done) {
        breached |= c.path("breached").asBoolean(false);
      }
      JsonNode last = done.get(done.size() - 1);
      return new SlaStatus(
          SlaTarget.RESOLUTION,
          epoch(last.path("breachTime")),
          epoch(last.path("stopTime")),
          breached);
    }
    if (ongoing.isObject()) {
      return ongoing(SlaTarget.RESOLUTION, ongoing);
    }
    return null;
  }

  /** A running cycle: due at its breach time (none while paused), breached when Jira says so. */
  private static SlaStatus ongoing(SlaTarget target, JsonNode c) {
    if (!c.isObject()) {
      return null;
    }
    boolean paused = c.path("paused").asBoolean(false);
    Instant due = paused ? null : epoch(c.path("breachTime"));
    return new SlaStatus(target, due, null, c.path("breached").asBoolean(false));
  }

  /**
   * The CSAT answer of an issue's Satisfaction field ({@code {"rating": 1..5}}), dated by its
   * "Satisfaction date" field (else the issue's update); null when the field is missing or empty.
   */
  static SurveyResponse satisfaction(JsonNode issue, FieldIds ids, String group) {
    if (ids.satisfaction() == null) {
      return null;
    }
    JsonNode f = issue.path("fields");
    JsonNode s = f.get(ids.satisfaction());
    if (s == null || !s.isObject() || !s.path("rating").isNumber()) {
      return null;
    }
    Instant at = null;
    if (ids.satisfactionDate() != null) {
      try {
        at = time(f.path(ids.satisfactionDate()));
      } catch (java.time.format.DateTimeParseException e) {
        at = null; // an unreadable rating date must not cost the issue: dated by its update
      }
    }
    if (at == null) {
      at = time(f.path("updated"));
    }
    return csat(RecordFields.id(issue.path("id"), "id"), s.path("rating").asInt(), at, group);
  }

  /** A CSAT answer of issue {@code issueId} on JSM's 1..5 scale (4 and 5 are satisfied). */
  static SurveyResponse csat(String issueId, int rating, Instant at, String group) {
    return new SurveyResponse(
        "csat-" + issueId, at, SurveyKind.CSAT, rating, 1, 5, at, issueId, group, null, null);
  }

  /**
   * Status category: new → new, indeterminate → open (pending for the listed names), done → solved.
   */
  static TicketStatus status(JsonNode status, List<String> pending) {
    if (!status.isObject()) {
      // a null status must not count as open
      throw new IllegalArgumentException(
          "fields.status: "
              + (status.isMissingNode() ? "missing" : status.isNull() ? "null" : "not a status"));
    }
    String name = status.path("name").asText("").toLowerCase(Locale.ROOT);
    String category = status.path("statusCategory").path("key").asText("");
    if (category.equals("done")) {
      return TicketStatus.SOLVED;
    }
    if (pending.contains(name)) {
      return TicketStatus.PENDING;
    }
    return category.equals("new") ? TicketStatus.NEW : TicketStatus.OPEN;
  }

  static Priority priority(JsonNode p, Map<String, Priority> priorities) {
    String name = text(p.path("name"));
    if (name == null) {
      return null;
    }
    Priority mapped = priorities.get(name.toLowerCase(Locale.ROOT));
    return mapped != null ? mapped : Priority.parse(name).orElse(null);
  }

  /** The group label: the request type's name, the first component, or a custom field's value. */
  static String group(JsonNode f, FieldIds ids, String groupBy) {
    switch (groupBy) {
      case "request_type" -> {
        if (ids.requestType() == null) {
          return null;
        }
        JsonNode rt = f.path(ids.requestType()).path("requestType");
        String name = text(rt.path("name"));
        return name != null ? name : text(rt.path("id"));
      }
      case "component" -> {
        JsonNode c = f.path("components");
        return c.isArray() && c.size() > 0 ? text(c.get(0).path("name")) : null;
      }
      default -> {
        JsonNode v = f.path(groupBy);
        if (v.isArray()) {
          v = v.size() > 0 ? v.get(0) : v.path(0);
        }
        if (v.isObject()) {
          for (String k : new String[] {"value", "name", "displayName", "id"}) {
            if (v.hasNonNull(k)) {
              return v.path(k).asText();
            }
          }
          return null;
        }
        return text(v);
      }
    }
  }

  /**
   * Reopens in the changelog the page carries ({@code expand=changelog}): a change of the {@code
   * resolution} field from a value to none, which Jira makes when an issue leaves a done status.
   */
  static int reopens(JsonNode changelog) {
    int n = 0;
    for (JsonNode h : changelog.path("histories")) {
      for (JsonNode item : h.path("items")) {
        if (item.path("field").asText("").equals("resolution")
            && text(item.path("fromString")) != null
            && text(item.path("toString")) == null) {
          n++;
        }
      }
    }
    return n;
  }

  /** Jira's {@code 2024-06-01T10:00:00.000+0000} (or ISO with {@code Z} / {@code +00:00}). */
  static Instant time(JsonNode n) {
    String s = text(n);
    if (s == null) {
      return null;
    }
    int len = s.length();
    if (len > 5
        && (s.charAt(len - 5) == '+' || s.charAt(len - 5) == '-')
        && s.substring(len - 4).chars().allMatch(Character::isDigit)) {
      s = s.substring(0, len - 2) + ":" + s.substring(len - 2);
      return OffsetDateTime.parse(s).toInstant();
    }
    return s.endsWith("Z") ? IsoInstant.parse(s) : OffsetDateTime.parse(s).toInstant();
  }

  private static Instant epoch(JsonNode dateTime) {
    JsonNode ms = dateTime.path("epochMillis");
    if (ms.isNumber()) {
      return Instant.ofEpochMilli(ms.asLong());
    }
    return dateTime.hasNonNull("iso8601") ? time(dateTime.path("iso8601")) : null;
  }

  private static Duration millis(JsonNode d) {
    JsonNode ms = d.path("millis");
    return ms.isNumber() ? Duration.ofMillis(ms.asLong()) : null;
  }

  private static String text(JsonNode n) {
    return n.isValueNode() && !n.isNull() && !n.asText().isEmpty() ? n.asText() : null;
  }
}
