package io.cxexporter.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One event of a vendor's SLA clock for one target of one ticket, for vendors that report SLA
 * progress as a stream of events (Zendesk's ticket metric events) rather than as fields of the
 * ticket. The KPI engine folds a ticket's events into its {@link SlaStatus}: the clock runs from
 * {@code STARTED} to {@code PAUSED} or {@code FULFILLED}, {@code APPLIED} sets the goal, and {@code
 * BREACHED} says when the vendor holds (or held) the target breached. A breach the vendor later
 * invalidates arrives as a {@link Deleted} for the event's id.
 *
 * @param id the vendor's id of the event
 * @param updatedAt when the event happened (events never change, so this is also their version)
 * @param ticketId the ticket the event belongs to
 * @param target which target the clock measures
 * @param type what happened
 * @param goal the target's duration; only on {@code APPLIED}, else null
 * @param businessHours on {@code APPLIED}: the goal counts business hours only
 */
public record SlaEvent(
    String id,
    Instant updatedAt,
    String ticketId,
    SlaTarget target,
    Type type,
    Duration goal,
    boolean businessHours)
    implements Record {
  public SlaEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(ticketId, "ticketId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(type, "type");
    if (type == Type.APPLIED && goal == null) {
      throw new IllegalArgumentException("an APPLIED event needs its goal");
    }
  }

  /** When the event happened. */
  public Instant at() {
    return updatedAt;
  }

  /** What happened to the clock. */
  public enum Type {
    /** An SLA policy set (or changed) the target's goal. */
    APPLIED,
    /** The clock started or resumed. */
    STARTED,
    /** The clock paused (for example while the ticket waits on the customer). */
    PAUSED,
    /** The target was met (or closed) at this time. */
    FULFILLED,
    /** The target breaches (or breached) at this time. */
    BREACHED
  }
}
