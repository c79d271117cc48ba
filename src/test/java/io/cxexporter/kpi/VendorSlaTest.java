package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.testing.Configs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding vendor SLA clock events into due and fulfilment times. */
class VendorSlaTest {
  static final BusinessCalendar OFFICE = BusinessCalendar.of(Configs.officeHours("UTC"));
  // Wednesday 2026-11-18, office hours 08:00-17:00 UTC
  static final Instant T = Instant.parse("2026-11-18T09:00:00Z");
  final List<SlaEvent> events = new ArrayList<>();
  int seq;

  void add(SlaTarget target, SlaEvent.Type type, long minutes) {
    add(target, type, minutes, null, false);
  }

  void add(SlaTarget target, SlaEvent.Type type, long minutes, Duration goal, boolean business) {
    events.add(
        new SlaEvent(
            Integer.toString(++seq),
            T.plusSeconds(minutes * 60),
            "1",
            target,
            type,
            goal,
            business,
            seq));
  }

  SlaStatus fold(SlaTarget target, BusinessCalendar calendar) {
    return VendorSla.fold(events, T, calendar).stream()
        .filter(s -> s.target() == target)
        .findFirst()
        .orElse(null);
  }

  static final SlaTarget RES = SlaTarget.RESOLUTION;

  @Test
  void withoutAnAppliedPolicyThereIsNoVendorStatus() {
    add(RES, SlaEvent.Type.STARTED, 0);
    add(RES, SlaEvent.Type.BREACHED, 60);
    assertThat(VendorSla.fold(events, T, OFFICE)).isEmpty();
  }

  @Test
  void pausedTimeDoesNotCountTowardsACalendarGoal() {
    add(RES, SlaEvent.Type.GOAL_SET, 0, Duration.ofHours(2), false);
    add(RES, SlaEvent.Type.STARTED, 0);
    add(RES, SlaEvent.Type.PAUSED, 30); // 30 min spent
    assertThat(fold(RES, OFFICE).dueAt()).as("paused: no due").isNull();
    add(RES, SlaEvent.Type.STARTED, 90); // resumes at 10:30 with 90 min left
    assertThat(fold(RES, OFFICE).dueAt()).isEqualTo(Instant.parse("2026-11-18T12:00:00Z"));
    assertThat(fold(RES, OFFICE).fulfilledAt()).isNull();
  }

  @Test
  void aBusinessHoursGoalIsProjectedOnTheConfiguredCalendar() {
    add(RES, SlaEvent.Type.GOAL_SET, 0, Duration.ofHours(10), true);
    add(RES, SlaEvent.Type.STARTED, 0);
    // 09:00 + 8 h to 17:00, then 2 h from 08:00 Thursday
    assertThat(fold(RES, OFFICE).dueAt()).isEqualTo(Instant.parse("2026-11-19T10:00:00Z"));
    assertThat(fold(RES, null).dueAt()).as("no calendar to project on").isNull();
  }

  @Test
  void theVendorsBreachTimeWinsOverTheProjection() {
    add(RES, SlaEvent.Type.GOAL_SET, 0, Duration.ofHours(2), false);
    add(RES, SlaEvent.Type.STARTED, 0);
    add(RES, SlaEvent.Type.BREACHED, 100);
    assertThat(fold(RES, OFFICE).dueAt()).isEqualTo(T.plusSeconds(6000));
  }

  @Test
  void aRestartAfterFulfilmentRunsTheClockAgain() {
    add(RES, SlaEvent.Type.GOAL_SET, 0, Duration.ofHours(2), false);
    add(RES, SlaEvent.Type.STARTED, 0);
    add(RES, SlaEvent.Type.MET, 60);
    assertThat(fold(RES, OFFICE).fulfilledAt()).isEqualTo(T.plusSeconds(3600));
    assertThat(fold(RES, OFFICE).dueAt()).isNull();
    add(RES, SlaEvent.Type.STARTED, 120); // reopened with 60 min left
    assertThat(fold(RES, OFFICE).fulfilledAt()).isNull();
    assertThat(fold(RES, OFFICE).dueAt()).isEqualTo(T.plusSeconds(180 * 60));
  }

  @Test
  void theLatestAppliedGoalCountsAndTargetsStayApart() {
    add(SlaTarget.FIRST_RESPONSE, SlaEvent.Type.GOAL_SET, 0, Duration.ofMinutes(30), false);
    add(SlaTarget.FIRST_RESPONSE, SlaEvent.Type.GOAL_SET, 10, Duration.ofMinutes(120), false);
    add(RES, SlaEvent.Type.GOAL_SET, 0, Duration.ofHours(8), false);
    // no STARTED read (the backfill began later): the clocks run from the ticket's creation
    assertThat(fold(SlaTarget.FIRST_RESPONSE, OFFICE).dueAt()).isEqualTo(T.plusSeconds(7200));
    assertThat(fold(RES, OFFICE).dueAt()).isEqualTo(T.plusSeconds(8 * 3600));
  }
}
