package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The last guard before the KPIs: the model refuses negative durations, but should anything hand
 * the engine one anyway, it is left out (never observed, never in a {@code _sum}) and counted.
 */
class NegativeDurationGuardTest {
  static final Instant T = Instant.parse("2026-11-18T08:00:00Z");

  @Test
  void negativeDurationsAreLeftOutAndCounted() {
    Ticket t =
        Ticket.builder("7")
            .createdAt(T)
            .updatedAt(T)
            .status(TicketStatus.SOLVED)
            .solvedAt(T.plusSeconds(600))
            .requesterWaitCalendar(Duration.ofMinutes(5))
            .build();
    TicketFacts f = new TicketFacts(t, List.of(), -1800, 1200, -7200, -1, null, null);

    assertThat(f.firstReplyCal).isNaN();
    assertThat(f.firstReplyBus).isEqualTo(1200);
    assertThat(f.resolutionCal).isNaN();
    assertThat(f.resolutionBus).isNaN();
    assertThat(f.requesterWaitCal).isEqualTo(300);
    assertThat(f.negativeDurations).isEqualTo(3);
  }

  @Test
  void zeroAndUnknownAreNotNegative() {
    Ticket t = Ticket.builder("8").createdAt(T).updatedAt(T).status(TicketStatus.OPEN).build();
    TicketFacts f =
        new TicketFacts(t, List.of(), 0, Double.NaN, Double.NaN, Double.NaN, null, null);

    assertThat(f.firstReplyCal).isZero();
    assertThat(f.negativeDurations).isZero();
  }
}
