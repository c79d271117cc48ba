package io.cxexporter.kpi;

import io.cxexporter.model.SlaEvent;
import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Folds a ticket's vendor SLA events into one {@link SlaStatus} per target that an SLA policy
 * applies to. Targets without a {@code GOAL_SET} event get none, so the configured {@code kpi.sla}
 * measures them.
 *
 * <ul>
 *   <li>due: the latest {@code BREACHED} event's time; without one, projected from the goal and the
 *       time the clock has run so far (business hours on {@code kpi.business_hours}). No due while
 *       the clock is paused, or for a business-hours goal without {@code kpi.business_hours}.
 *   <li>fulfilled: the last {@code MET} not followed by a restart (a reopened ticket runs again).
 * </ul>
 */
final class VendorSla {
  /** Event order: time, then the vendor's sequence, then the id. */
  static final Comparator<SlaEvent> ORDER =
      Comparator.comparing(SlaEvent::at)
          .thenComparingLong(SlaEvent::sequence)
          .thenComparing(SlaEvent::id);

  private VendorSla() {}

  /**
   * @param events the ticket's events, any order, any targets
   * @param createdAt when the clocks start if no {@code STARTED} event was read (may be null)
   * @param calendar the business calendar, or null when none is configured
   */
  static List<SlaStatus> fold(
      Collection<SlaEvent> events, Instant createdAt, BusinessCalendar calendar) {
    List<SlaStatus> out = new ArrayList<>(2);
    for (SlaTarget target : SlaTarget.values()) {
      List<SlaEvent> mine = new ArrayList<>();
      for (SlaEvent e : events) {
        if (e.target() == target) {
          mine.add(e);
        }
      }
      SlaStatus s = fold(target, mine, createdAt, calendar);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static SlaStatus fold(
      SlaTarget target, List<SlaEvent> events, Instant createdAt, BusinessCalendar calendar) {
    events.sort(ORDER);
    SlaEvent applied = null;
    Instant breachAt = null;
    Instant fulfilledAt = null;
    Instant runningSince = null;
    boolean started = false;
    List<Instant[]> runs = new ArrayList<>();
    for (SlaEvent e : events) {
      switch (e.type()) {
        case GOAL_SET -> applied = e;
        case BREACHED -> breachAt = e.at();
        case STARTED -> {
          started = true;
          fulfilledAt = null;
          if (runningSince == null) {
            runningSince = e.at();
          }
        }
        case PAUSED, MET -> {
          if (!started && createdAt != null) {
            started = true;
            runningSince = createdAt;
          }
          if (runningSince != null) {
            runs.add(new Instant[] {runningSince, e.at()});
            runningSince = null;
          }
          if (e.type() == SlaEvent.Type.MET) {
            fulfilledAt = e.at();
          }
        }
      }
    }
    if (applied == null) {
      return null;
    }
    if (!started && createdAt != null) {
      runningSince = createdAt;
    }
    Instant due = breachAt;
    if (due == null && runningSince != null && fulfilledAt == null) {
      due = project(applied, runs, runningSince, calendar);
    }
    return new SlaStatus(target, due, fulfilledAt, false);
  }

  /** When the running clock reaches the goal, or null when business hours are not configured. */
  private static Instant project(
      SlaEvent applied, List<Instant[]> runs, Instant runningSince, BusinessCalendar calendar) {
    boolean business = applied.businessHours();
    if (business && calendar == null) {
      return null;
    }
    long spent = 0;
    for (Instant[] r : runs) {
      spent += business ? calendar.seconds(r[0], r[1]) : Duration.between(r[0], r[1]).getSeconds();
    }
    Duration left = applied.goal().minusSeconds(spent);
    if (left.isNegative()) {
      left = Duration.ZERO;
    }
    return business ? calendar.plus(runningSince, left) : runningSince.plus(left);
  }
}
