package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Deleted;
import io.cxexporter.model.SurveyKind;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link OpenTicketsHistory}: the backlog at past instants from the tickets' latest versions. */
class HistoryOpenTicketsTest {
  static final Instant T = Instant.parse("2026-11-10T00:00:00Z");

  static Instant h(int hours) {
    return T.plusSeconds(3600L * hours);
  }

  static Ticket ticket(String id, int created, Integer solved, TicketStatus status, int updated) {
    return Ticket.builder(id)
        .createdAt(h(created))
        .updatedAt(h(updated))
        .status(status)
        .solvedAt(solved == null ? null : h(solved))
        .build();
  }

  @Test
  void aTicketIsOpenFromItsCreationUntilItsSolve() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    open.add(ticket("1", 1, 5, TicketStatus.SOLVED, 5));

    assertThat(open.at(h(0))).isZero();
    assertThat(open.at(h(1))).as("created at t: open at t").isEqualTo(1);
    assertThat(open.at(h(4))).isEqualTo(1);
    assertThat(open.at(h(5))).as("solved at t: not open at t").isZero();
    assertThat(open.at(h(9))).isZero();
  }

  @Test
  void anUnsolvedTicketStaysOpen() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    open.add(ticket("1", 1, null, TicketStatus.PENDING, 3));
    open.add(ticket("2", 2, 3, TicketStatus.SOLVED, 3));

    assertThat(open.at(h(2))).isEqualTo(2);
    assertThat(open.at(h(3))).isEqualTo(1);
    assertThat(open.at(h(100))).isEqualTo(1);
  }

  @Test
  void aReopenedTicketCountsAsOpenUntilItsLastSolveSinceStatusHistoryIsNotKept() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    // solved at 3, reopened at 4, solved again at 8: only the last solve is stored
    open.add(ticket("1", 1, 8, TicketStatus.SOLVED, 8).toBuilder().reopens(1).build());

    assertThat(open.at(h(3))).isEqualTo(1);
    assertThat(open.at(h(7))).isEqualTo(1);
    assertThat(open.at(h(8))).isZero();
  }

  @Test
  void aClosedTicketWithoutSolveTimeEndsAtItsLastUpdate() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    open.add(ticket("1", 1, null, TicketStatus.CLOSED, 6));

    assertThat(open.at(h(5))).isEqualTo(1);
    assertThat(open.at(h(6))).isZero();
  }

  @Test
  void aSolveStampedBeforeTheCreationNeverCountsNegative() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    open.add(ticket("1", 5, null, TicketStatus.CLOSED, 5).toBuilder().updatedAt(h(5)).build());
    open.add(ticket("2", 1, null, TicketStatus.OPEN, 1));

    assertThat(open.at(h(0))).isZero();
    assertThat(open.at(h(2))).isEqualTo(1);
    assertThat(open.at(h(5))).isEqualTo(1);
  }

  @Test
  void deletedTicketsAndOtherRecordsDoNotCount() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    open.add(new Deleted("1", h(2)));
    open.add(
        new io.cxexporter.model.SurveyResponse(
            "s1", h(1), SurveyKind.CSAT, 5, 1, 5, h(1), "1", null, null, null));
    open.add(ticket("2", 1, null, TicketStatus.OPEN, 1));

    assertThat(open.at(h(3))).isEqualTo(1);
  }

  @Test
  void countsManyTicketsAddedInAnyOrder() {
    OpenTicketsHistory open = new OpenTicketsHistory();
    for (int i = 3000; i > 0; i--) {
      open.add(ticket("t" + i, i, i + 10, TicketStatus.SOLVED, i + 10));
    }
    // at hour 100: created in 1..100, not solved by 100 (created after 90): 91..100
    assertThat(open.at(h(100))).isEqualTo(10);
    open.add(ticket("late", 50, null, TicketStatus.OPEN, 50));
    assertThat(open.at(h(100))).isEqualTo(11);
  }
}
