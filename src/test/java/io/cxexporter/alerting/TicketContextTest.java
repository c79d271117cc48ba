package io.cxexporter.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.SlaPolicy;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The open tickets with SLA due times that reminders read, from a real KPI engine. */
class TicketContextTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");
  final MutableClock clock = new MutableClock(NOW);

  static Ticket.Builder ticket(String id, Instant created, Priority p, String group) {
    return Ticket.builder(id)
        .subject("Subject " + id)
        .createdAt(created)
        .updatedAt(created)
        .status(TicketStatus.OPEN)
        .priority(p)
        .group(group)
        .channel("email");
  }

  @Test
  void dueTicketsAreTheOpenTicketsWithARunningOrBreachedTargetWithTheirLabels() {
    KpiEngine kpi =
        new KpiEngine(
            Configs.kpi(
                Configs.officeHours("UTC"),
                List.of(
                    new SlaPolicy(
                        Priority.URGENT, Duration.ofHours(1), Duration.ofHours(8), false)),
                List.of(),
                50),
            clock);
    List<Change> changes = new ArrayList<>();
    for (Record r :
        List.of(
            ticket("soon", NOW.minus(Duration.ofMinutes(20)), Priority.URGENT, "Billing").build(),
            ticket("late", NOW.minus(Duration.ofHours(2)), Priority.URGENT, "Technical Support")
                .build(),
            ticket("replied", NOW, Priority.URGENT, "Billing").firstReplyAt(NOW).build(),
            ticket("untargeted", NOW, Priority.LOW, "Billing").build())) {
      changes.add(new Change("tickets", null, r));
    }
    kpi.apply("zd", changes, false);
    TicketContext context =
        new TicketContext(kpi, (source, id) -> "https://zd.example/" + source + "/" + id, clock);

    List<DueTicket> due = new ArrayList<>(context.dueTickets(kpi.compute()));
    due.sort(Comparator.comparing(d -> d.ticket().dueAt()));

    assertThat(due)
        .extracting(d -> d.ticket().id() + " " + d.ticket().dueAt() + " " + d.labels())
        .containsExactly(
            "late 2026-11-18T11:00:00Z {channel=email, group=Technical Support, priority=urgent,"
                + " source=zd}",
            "soon 2026-11-18T12:40:00Z {channel=email, group=Billing, priority=urgent, source=zd}",
            "replied 2026-11-18T20:00:00Z {channel=email, group=Billing, priority=urgent,"
                + " source=zd}");
    assertThat(due.get(1).ticket().url()).isEqualTo("https://zd.example/zd/soon");
    assertThat(due.get(1).ticket().subject()).isEqualTo("Subject soon");
  }
}
