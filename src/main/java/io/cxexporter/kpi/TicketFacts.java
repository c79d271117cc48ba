package io.cxexporter.kpi;

import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.Ticket;
import java.time.Instant;
import java.util.List;

/**
 * A ticket's latest version plus what the KPI engine derives from it once per version: capped
 * dimension labels, durations in calendar and business time, SLA due times, and the flat fields
 * {@link KpiEngine#compute()} reads for every ticket (times in epoch millis, time-independent SLA
 * outcomes, flags), so a refresh never walks into the ticket itself.
 */
final class TicketFacts {
  /** No time: the ticket is not in that index (never replied, not solved). */
  static final long NO_TIME = Long.MIN_VALUE;

  /** The ticket with vendor SLA events folded in; {@link #raw} is the version as stored. */
  final Ticket ticket;

  Ticket raw;

  /** Its dimension values before the cap ({@link LabelCap#clip}ped, null for none). */
  List<String> rawDims;

  /** Whether {@link #rawDims} are counted in the source's label caps. */
  boolean dimsCounted;

  /** Its capped dimension labels. */
  List<String> dims;

  final double firstReplyCal;
  final double firstReplyBus;
  final double resolutionCal;
  final double resolutionBus;

  /** The vendor's requester wait of a solved ticket, in seconds; NaN when open or not given. */
  final double requesterWaitCal;

  final double requesterWaitBus;
  final Instant firstResponseDue;
  final Instant resolutionDue;

  /** Bit per target: the breach was already counted (or happened before we were live). */
  int breachCounted;

  /**
   * The shared combination of {@link #dims}, and its value indexes in the source's dictionaries.
   */
  SourceState.Combo combo;

  int[] dimIndex;

  /**
   * The label set (aggregates) it counts in while in the incremental windows, by id; else -1. An
   * id, not the array: a rebuild sets it on every ticket, and each reference stored into an old
   * object costs G1 a card mark and refinement (300 ms over 1M tickets; an int store costs none).
   */
  int labelSet = -1;

  /** How many of its SLA targets are due within the at-risk horizon (incremental windows). */
  byte risk;

  /** The position in the source's ticket table; -1 while not in it. */
  int slot = -1;

  /** The assignee's index in the source's agent dictionary, -1 for none. */
  int agent = -1;

  /** Its tags' ids in the source's {@link TagLabels} (empty without {@code kpi.tags}). */
  int[] tags = NO_TAGS;

  private static final int[] NO_TAGS = new int[0];

  /** Whether {@link #tags} are counted in the source's tag frequencies. */
  boolean tagsCounted;

  /** Creation, first reply (when replied) and solve (when solved, not open) in epoch millis. */
  final long createdMillis;

  final long firstReplyMillis;
  final long solvedMillis;

  /**
   * The first response outcome once replied and the resolution outcome once solved: decided, so the
   * same at any time. Only meaningful when {@link #firstReplyMillis} / {@link #solvedMillis} is
   * set.
   */
  final Outcome firstDecided;

  final Outcome resolutionDecided;
  final boolean open;
  final boolean escalated;
  final boolean reopened;
  final boolean fcrKnown;
  final boolean fcrSolved;

  /** Public agent replies when known ({@link #fcrKnown}), else 0. */
  final int agentReplies;

  /** How many of the durations given were negative and left out (see {@link #nonNegative}). */
  final int negativeDurations;

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
    this.firstReplyCal = nonNegative(firstReplyCal);
    this.firstReplyBus = nonNegative(firstReplyBus);
    this.resolutionCal = nonNegative(resolutionCal);
    this.resolutionBus = nonNegative(resolutionBus);
    this.firstResponseDue = firstResponseDue;
    this.resolutionDue = resolutionDue;
    this.open = ticket.isOpen();
    this.createdMillis = ticket.createdAt().toEpochMilli();
    this.firstReplyMillis =
        ticket.firstReplyAt() == null ? NO_TIME : ticket.firstReplyAt().toEpochMilli();
    this.solvedMillis =
        open || ticket.solvedAt() == null ? NO_TIME : ticket.solvedAt().toEpochMilli();
    double waitCal = solvedMillis == NO_TIME ? Double.NaN : seconds(ticket.requesterWaitCalendar());
    double waitBus = solvedMillis == NO_TIME ? Double.NaN : seconds(ticket.requesterWaitBusiness());
    this.requesterWaitCal = nonNegative(waitCal);
    this.requesterWaitBus = nonNegative(waitBus);
    this.negativeDurations =
        negative(firstReplyCal)
            + negative(firstReplyBus)
            + negative(resolutionCal)
            + negative(resolutionBus)
            + negative(waitCal)
            + negative(waitBus);
    // a replied (solved) ticket's first response (resolution) target is fulfilled: its outcome
    // no longer depends on the time asked
    this.firstDecided =
        firstReplyMillis == NO_TIME ? Outcome.NONE : outcome(SlaTarget.FIRST_RESPONSE, Instant.MIN);
    this.resolutionDecided =
        solvedMillis == NO_TIME ? Outcome.NONE : outcome(SlaTarget.RESOLUTION, Instant.MIN);
    this.escalated = ticket.escalated();
    this.reopened = ticket.reopens() > 0;
    this.fcrKnown = ticket.agentReplies() != null;
    this.fcrSolved = fcrKnown && ticket.agentReplies() == 1;
    this.agentReplies = fcrKnown ? ticket.agentReplies() : 0;
  }

  /**
   * The last guard before the KPIs: a negative duration (a connector that bypassed the model's
   * check) is left out as unknown, never observed by a histogram or added to its {@code _sum}.
   */
  private static double nonNegative(double seconds) {
    return seconds < 0 ? Double.NaN : seconds;
  }

  private static int negative(double seconds) {
    return seconds < 0 ? 1 : 0;
  }

  private static double seconds(java.time.Duration d) {
    return d == null ? Double.NaN : d.toMillis() / 1000.0;
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
