package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@code kpi.assignee_label: id}: the {@code assignee} label is the vendor's agent id; a named
 * assignee without an id is {@code unknown} (never the name), an unassigned ticket stays {@code
 * none}, and two agents with the same name are two agents.
 */
class AssigneeIdLabelTest {
  static final Instant NOW = AssigneeLabelTest.NOW;
  static final List<Ticket> TICKETS =
      List.of(
          solved("1", "Ana Novak", "361"),
          solved("2", "Ana Novak", "362"),
          solved("3", "Ana Novak", "361"),
          open("4", "Bo Berg", null),
          open("5", null, null),
          open("6", null, "363"));

  static Ticket open(String id, String name, String agentId) {
    Instant created = NOW.minusSeconds(600);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created)
        .status(TicketStatus.OPEN)
        .priority(Priority.NORMAL)
        .group("Billing")
        .channel("email")
        .assignee(name)
        .assigneeId(agentId)
        .build();
  }

  static Ticket solved(String id, String name, String agentId) {
    Ticket t = open(id, name, agentId);
    return t.toBuilder()
        .status(TicketStatus.SOLVED)
        .solvedAt(NOW.minusSeconds(300))
        .updatedAt(NOW.minusSeconds(300))
        .build();
  }

  static KpiSnapshot snapshot(String label) {
    KpiEngine engine = new KpiEngine(AssigneeLabelTest.config(label, null), new MutableClock(NOW));
    engine.load("zd", action -> TICKETS.forEach(t -> action.accept("tickets", t)));
    return engine.compute();
  }

  static List<String> assigneeLabels(KpiSnapshot s) {
    return s.find("kpi_tickets_created", Map.of("window", "1h")).stream()
        .map(x -> x.label("assignee"))
        .filter(Objects::nonNull)
        .sorted()
        .toList();
  }

  @Test
  void theLabelIsTheIdAndANamedAssigneeWithoutOneIsUnknown() {
    assertThat(assigneeLabels(snapshot("id")))
        .containsExactly("361", "362", "363", "none", "unknown");
    assertThat(assigneeLabels(snapshot("name"))).containsExactly("Ana Novak", "Bo Berg", "none");
  }

  @Test
  void twoAgentsWithTheSameNameAreTwoAgents() {
    // three solved tickets: by ids 361 (twice) and 362, both named Ana Novak
    assertThat(snapshot("id").value("kpi_solved_per_agent", Map.of("source", "zd", "window", "1h")))
        .isEqualTo(1.5);
    assertThat(
            snapshot("name").value("kpi_solved_per_agent", Map.of("source", "zd", "window", "1h")))
        .isEqualTo(3.0);
  }

  @Test
  void aTicketWithAnIdButNoNameIsAssigned() {
    // tickets 4 (a name) and 6 (an id) are assigned: only 5 is in the unassigned backlog
    assertThat(
            snapshot("id").value("tickets_unassigned", Map.of("source", "zd", "group", "Billing")))
        .isEqualTo(1);
  }

  @Test
  void inIdModeTheMetricsShowIdsAndNoName() throws Exception {
    KpiConfig config = AssigneeLabelTest.config("id", null);
    String text = LiveScrape.after(config, NOW, "zd", TICKETS);

    assertThat(text.lines())
        .contains(
            "cx_tickets_created_total{assignee=\"361\",group=\"Billing\",source=\"zd\"} 2.0",
            "cx_tickets_created_total{assignee=\"362\",group=\"Billing\",source=\"zd\"} 1.0",
            "cx_tickets_open{assignee=\"unknown\",group=\"Billing\",source=\"zd\",status=\"open\"}"
                + " 1.0",
            "cx_tickets_open{assignee=\"363\",group=\"Billing\",source=\"zd\",status=\"open\"} 1.0",
            "cx_tickets_open{assignee=\"none\",group=\"Billing\",source=\"zd\",status=\"open\"}"
                + " 1.0");
    assertThat(text).doesNotContain("Ana").doesNotContain("Novak").doesNotContain("Berg");
  }
}
