package io.cxexporter.kpi;

import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import java.time.Instant;
import java.util.List;

/**
 * A ticket's latest version plus what the KPI engine derives from it once per version: capped
 * dimension labels, durations in calendar and business time, and SLA due times.
 */
final class TicketFacts {
  /** The ticket with vendor SLA events folded in; {@link #raw} is the version as stored. */
  final Ticket ticket;

  Ticket raw;
  final List<String> dims;
  final double firstReplyCal;
  final double firstReplyBus;
  final double resolutionCal;
  final double resolutionBus;
  final Instant firstResponseDue;
  final Instant resolutionDue;

  /** Bit per target: the breach was already counted (or happened before we were live). */
  int breachCounted;

  TicketFacts(
      Ticket ticket,
      List<String> dims,
      double firstReplyCal,
      double firstReplyBus,
      double resolutionCal,
      double resolutionBus,
      Instant firstResponseDue,
      Instant resolutionDue) {
    this.ticket = ticket;
    this.raw = ticket;
    this.dims = dims;
    this.firstReplyCal = firstReplyCal;
    this.firstReplyBus = firstReplyBus;
    this.resolutionCal = resolutionCal;
    this.resolutionBus = resolutionBus;
    this.firstResponseDue = firstResponseDue;
    this.resolutionDue = resolutionDue;
  }

  /** When the target was fulfilled: the first reply or the solve, else null. */
  Instant fulfilledAt(SlaTarget target) {
    SlaStatus vendor = ticket.sla(target);
    if (vendor != null && vendor.fulfilledAt() != null) {
      return vendor.fulfilledAt();
    }
    return target == SlaTarget.FIRST_RESPONSE
        ? ticket.firstReplyAt()
        : (ticket.isOpen() ? null : ticket.solvedAt());
  }

  Instant due(SlaTarget target) {
    return target == SlaTarget.FIRST_RESPONSE ? firstResponseDue : resolutionDue;
  }

  /**
   * The target's outcome as of {@code now}: {@link Outcome#NONE} without a target (or a first reply
   * target on a ticket solved without any reply), else running, met or breached.
   */
  Outcome outcome(SlaTarget target, Instant now) {
    SlaStatus vendor = ticket.sla(target);
    Instant due = due(target);
    Instant done = fulfilledAt(target);
    if (vendor == null && due == null) {
      return Outcome.NONE;
    }
    if (vendor != null && vendor.breached()) {
      return Outcome.BREACHED;
    }
    if (done != null) {
      return due != null && done.isAfter(due) ? Outcome.BREACHED : Outcome.MET;
    }
    if (target == SlaTarget.FIRST_RESPONSE && !ticket.isOpen()) {
      return Outcome.NONE;
    }
    if (due != null && !now.isBefore(due)) {
      return Outcome.BREACHED;
    }
    return Outcome.RUNNING;
  }

  /** When the outcome was decided: fulfilment time when fulfilled, else the due time. */
  Instant decidedAt(SlaTarget target) {
    Instant done = fulfilledAt(target);
    return done != null ? done : due(target);
  }

  /** SLA outcome of one target. */
  enum Outcome {
    NONE,
    RUNNING,
    MET,
    BREACHED
  }
}
