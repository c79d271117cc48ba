package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.model.Deleted;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One record through a {@code map:} block: values, defaults, lookups, units, tombstones. */
class TicketMappingTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final Map<String, Object> MAP =
      Map.ofEntries(
          Map.entry("id", "$.id"),
          Map.entry("created_at", Map.of("path", "$.created", "format", "epoch_s")),
          Map.entry("updated_at", "$.updated_at"),
          Map.entry(
              "status",
              Map.of(
                  "path", "$.state", "values", Map.of("1", "open", "2", "solved", "9", "closed"))),
          Map.entry(
              "priority",
              Map.of("path", "$.prio", "values", Map.of("hi", "high"), "default", "normal")),
          Map.entry("channel", "$.via"),
          Map.entry("group", Map.of("path", "$.team", "lookup", "teams")),
          Map.entry("solved_at", "$.closed_at"),
          Map.entry(
              "first_reply_business", Map.of("path", "$.sla.reply_minutes", "unit", "minutes")),
          Map.entry("agent_replies", "$.replies"),
          Map.entry("escalated", Map.of("path", "$.level", "above", 1)),
          Map.entry("tags", "$.labels"),
          Map.entry(
              "deleted",
              Map.of("path", "$.state", "values", Map.of("deleted", "true"), "default", "false")));

  static TicketMapping mapping() {
    Problems p = new Problems();
    Settings s = Settings.root(Map.of("map", MAP), p, k -> null, Path.of("."));
    TicketMapping m = TicketMapping.read(s.object("map"), new TimeFormat.Iso());
    s.finish();
    assertThat(p.messages()).isEmpty();
    return m;
  }

  static Record map(String json) throws Exception {
    JsonNode item = JSON.readTree(json);
    return mapping().map(item, (table, id) -> table + ":" + id);
  }

  @Test
  void mapsEveryKindOfField() throws Exception {
    Record r =
        map(
            """
            {"id": 7, "created": 1795000000, "updated_at": "2026-11-18T12:00:00Z", "state": 2,
             "prio": "hi", "via": "email", "team": 3, "closed_at": "2026-11-18T11:00:00Z",
             "sla": {"reply_minutes": 1.5}, "replies": 2, "level": 2, "labels": "vip, refund"}
            """);
    assertThat(r)
        .isInstanceOfSatisfying(
            Ticket.class,
            t -> {
              assertThat(t.id()).isEqualTo("7");
              assertThat(t.createdAt()).isEqualTo(Instant.ofEpochSecond(1795000000));
              assertThat(t.status()).isEqualTo(TicketStatus.SOLVED);
              assertThat(t.priority()).isEqualTo(Priority.HIGH);
              assertThat(t.channel()).isEqualTo("email");
              assertThat(t.group()).isEqualTo("teams:3");
              assertThat(t.solvedAt()).isEqualTo(Instant.parse("2026-11-18T11:00:00Z"));
              assertThat(t.firstReplyBusiness()).isEqualTo(Duration.ofSeconds(90));
              assertThat(t.agentReplies()).isEqualTo(2);
              assertThat(t.escalated()).isTrue();
              assertThat(t.tags()).isEqualTo(List.of("vip", "refund"));
            });
  }

  @Test
  void defaultsAndAnOpenTicketsOldSolveTime() throws Exception {
    Ticket t =
        (Ticket)
            map(
                """
                {"id": "a", "created": "1795000000", "state": "1", "prio": "meh",
                 "closed_at": "2026-11-18T11:00:00Z", "level": 0}
                """);
    assertThat(t.priority()).as("not in values: the default").isEqualTo(Priority.NORMAL);
    assertThat(t.solvedAt()).as("reopened: its old solve time is not a resolution").isNull();
    assertThat(t.updatedAt()).isEqualTo(t.createdAt());
    assertThat(t.escalated()).isFalse();
    assertThat(t.agentReplies()).isNull();
  }

  @Test
  void aDeletedRecordIsATombstone() throws Exception {
    assertThat(map("{\"id\": 7, \"state\": \"deleted\", \"updated_at\": \"2026-11-18T12:00:00Z\"}"))
        .isEqualTo(new Deleted("7", Instant.parse("2026-11-18T12:00:00Z")));
  }

  @Test
  void anUnmappedValueIsAMappingErrorNamingTheField() {
    assertThatThrownBy(() -> map("{\"id\": 7, \"created\": 1795000000, \"state\": 5}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("map.status: no mapping for value \"5\"");
    assertThatThrownBy(() -> map("{\"id\": 7, \"created\": \"soon\", \"state\": 1}"))
        .hasMessage("map.created_at: not epoch seconds: \"soon\"");
    assertThatThrownBy(() -> map("{\"created\": 1795000000, \"state\": 1}")).hasMessage("no id");
  }

  static TicketMapping withFirstReply(Object spec, Problems p) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(MAP);
    m.put("first_reply_at", spec);
    Settings s = Settings.root(Map.of("map", m), p, k -> null, Path.of("."));
    TicketMapping out = TicketMapping.read(s.object("map"), new TimeFormat.Iso());
    s.finish();
    return out;
  }

  @Test
  void aTimesPlaceholderForNotSetIsUnknownAndEveryOtherValueIsATime() throws Exception {
    // Request Tracker writes an unset date as 1970-01-01T00:00:00Z, not null
    Problems p = new Problems();
    TicketMapping m =
        withFirstReply(
            Map.of("path", "$.started", "values", Map.of("1970-01-01T00:00:00Z", "")), p);
    assertThat(p.messages()).isEmpty();
    String open = "{\"id\": 7, \"created\": 1795000000, \"state\": 1, \"started\": \"%s\"}";
    Ticket unset =
        (Ticket) m.map(JSON.readTree(open.formatted("1970-01-01T00:00:00Z")), (t, id) -> id);
    assertThat(unset.firstReplyAt()).isNull();
    Ticket set =
        (Ticket) m.map(JSON.readTree(open.formatted("2026-11-18T12:00:00Z")), (t, id) -> id);
    assertThat(set.firstReplyAt()).isEqualTo(Instant.parse("2026-11-18T12:00:00Z"));
  }

  @Test
  void aTimesValuesMayOnlyNamePlaceholdersNeverReplaceTheTime() {
    for (Map<String, Object> bad :
        List.<Map<String, Object>>of(
            Map.of("path", "$.started", "values", Map.of("never", "2026-01-01T00:00:00Z")),
            Map.of("path", "$.started", "values", Map.of("0", ""), "default", ""),
            Map.of("path", "$.started", "values", Map.of("0", ""), "keep_others", true))) {
      Problems p = new Problems();
      withFirstReply(bad, p);
      assertThat(p.messages())
          .as("%s", bad)
          .contains(
              "map.first_reply_at: a time's values only map placeholders to \"\" (unknown), e.g."
                  + " values: {\"1970-01-01T00:00:00Z\": \"\"}; every other value is read as a"
                  + " time");
    }
  }

  @Test
  void requesterWaitIsTheVendorsFigureOfASolvedTicketAndABadValueIsAMappingError()
      throws Exception {
    Problems p = new Problems();
    Map<String, Object> map =
        Map.of(
            "id", "$.id",
            "created_at", "$.created",
            "status", "$.status",
            "requester_wait_calendar", Map.of("path", "$.wait.cal", "unit", "minutes"),
            "requester_wait_business", Map.of("path", "$.wait.bus", "unit", "minutes"));
    Settings s = Settings.root(Map.of("map", map), p, k -> null, Path.of("."));
    TicketMapping m = TicketMapping.read(s.object("map"), new TimeFormat.Iso());
    s.finish();
    assertThat(p.messages()).isEmpty();
    String item = "{\"id\": 1, \"created\": \"2026-11-18T08:00:00Z\", \"status\": \"%s\", %s}";

    Ticket solved =
        (Ticket)
            m.map(
                JSON.readTree(item.formatted("solved", "\"wait\": {\"cal\": 90, \"bus\": 45.5}")),
                (t, id) -> id);
    assertThat(solved.requesterWaitCalendar()).isEqualTo(Duration.ofMinutes(90));
    assertThat(solved.requesterWaitBusiness()).isEqualTo(Duration.ofSeconds(2730));
    // still running while in the backlog; unknown when the vendor gives none
    Ticket open =
        (Ticket)
            m.map(
                JSON.readTree(item.formatted("open", "\"wait\": {\"cal\": 5, \"bus\": 5}")),
                (t, id) -> id);
    assertThat(open.requesterWaitCalendar()).isNull();
    Ticket none =
        (Ticket) m.map(JSON.readTree(item.formatted("solved", "\"wait\": {}")), (t, id) -> id);
    assertThat(none.requesterWaitCalendar()).isNull();
    assertThat(none.requesterWaitBusiness()).isNull();
    assertThatThrownBy(
            () ->
                m.map(
                    JSON.readTree(item.formatted("solved", "\"wait\": {\"cal\": -3}")),
                    (t, id) -> id))
        .hasMessageContaining("requester_wait_calendar");
    assertThatThrownBy(
            () ->
                m.map(
                    JSON.readTree(item.formatted("solved", "\"wait\": {\"bus\": \"soon\"}")),
                    (t, id) -> id))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static TicketMapping mapping(Map<String, Object> assignee) {
    Problems p = new Problems();
    Map<String, Object> map = new java.util.HashMap<>(assignee);
    map.putAll(Map.of("id", "$.id", "created_at", "$.created", "status", "$.status"));
    Settings s = Settings.root(Map.of("map", map), p, k -> null, Path.of("."));
    TicketMapping m = TicketMapping.read(s.object("map"), new TimeFormat.Iso());
    s.finish();
    assertThat(p.messages()).isEmpty();
    return m;
  }

  static Ticket assigned(TicketMapping m, String agent) throws Exception {
    String item = "{\"id\": 1, \"created\": \"2026-11-18T08:00:00Z\", \"status\": \"open\"%s}";
    return (Ticket) m.map(JSON.readTree(item.formatted(agent)), (t, id) -> t + ":" + id);
  }

  @Test
  void theAssigneeIdIsItsOwnPathOrTheIdAnAssigneeLookupNames() throws Exception {
    TicketMapping own = mapping(Map.of("assignee", "$.agent.name", "assignee_id", "$.agent.id"));
    Ticket t = assigned(own, ", \"agent\": {\"id\": 42, \"name\": \"Ana Novak\"}");
    assertThat(t.assignee()).isEqualTo("Ana Novak");
    assertThat(t.assigneeId()).isEqualTo("42");
    assertThat(assigned(own, "").assigneeId()).isNull();

    TicketMapping lookup =
        mapping(Map.of("assignee", Map.of("path", "$.owner", "lookup", "users")));
    Ticket l = assigned(lookup, ", \"owner\": 42");
    assertThat(l.assignee()).isEqualTo("users:42");
    assertThat(l.assigneeId()).as("the id the lookup turns into the name").isEqualTo("42");
    assertThat(assigned(lookup, "").assigneeId()).isNull();

    TicketMapping plain = mapping(Map.of("assignee", "$.owner"));
    assertThat(assigned(plain, ", \"owner\": \"Ana Novak\"").assigneeId())
        .as("a name without a lookup is no id")
        .isNull();
  }
}
