package io.cxexporter.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One event of a vendor's SLA clock for one target of one ticket, for vendors that report SLA
 * progress as a stream of clock events rather than as fields of the ticket. The KPI engine folds a
 * ticket's events into its {@link SlaStatus}: {@code GOAL_SET} sets the target's goal, the clock
 * runs from {@code STARTED} until {@code PAUSED} or {@code MET}, and {@code BREACHED} says when the
 * vendor holds (or held) the target breached. A breach the vendor later withdraws arrives as a
 * {@link Deleted} for the event's id. Events of one instant are ordered by {@code sequence}, a key
 * the vendor supplies (a numeric event id, a position in its log), then by id.
 *
 * @param id the vendor's id of the event
 * @param updatedAt when the event happened (events never change, so this is also their version)
 * @param ticketId the ticket the event belongs to
 * @param target which target the clock measures
 * @param type what happened to the clock
 * @param goal the target's duration; only on {@code GOAL_SET}, else null
 * @param businessHours on {@code GOAL_SET}: the goal counts business hours only
 * @param sequence the vendor's order of events within one instant; 0 when it gives none
 */
public record SlaEvent(
    String id,
    Instant updatedAt,
    String ticketId,
    SlaTarget target,
    Type type,
    Duration goal,
    boolean businessHours,
    long sequence)
    implements Record {
  public SlaEvent {
    Checks.id(id, "id");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Checks.id(ticketId, "ticketId");
    Checks.time(updatedAt, "updatedAt");
    Checks.duration(goal, "goal");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(type, "type");
    if (type == Type.GOAL_SET && goal == null) {
      throw new IllegalArgumentException("a GOAL_SET event needs its goal");
    }
  }

  /** An event of a vendor that gives no order within one instant (ordered by id there). */
  public SlaEvent(
      String id,
      Instant updatedAt,
      String ticketId,
      SlaTarget target,
      Type type,
      Duration goal,
      boolean businessHours) {
    this(id, updatedAt, ticketId, target, type, goal, businessHours, 0);
  }

  /** When the event happened. */
  public Instant at() {
    return updatedAt;
  }

  /** What happened to the clock. */
  public enum Type {
    /** An SLA policy set (or changed) the target's goal. */
    @JsonAlias("APPLIED")
    GOAL_SET,
    /** The clock started or resumed. */
    STARTED,
    /** The clock paused (for example while the ticket waits on the customer). */
    PAUSED,
    /** The target was met (or closed) at this time. */
    @JsonAlias("FULFILLED")
    MET,
    /** The target breaches (or breached) at this time. */
    BREACHED
  }
}
