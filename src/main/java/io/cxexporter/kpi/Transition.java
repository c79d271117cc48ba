package io.cxexporter.kpi;

import java.util.List;

/**
 * A change seen while the process runs (never during a backfill), which counters and histograms
 * count once.
 *
 * @param dimensions the ticket's capped dimension values, in {@code kpi.dimensions} order
 * @param calendarSeconds for first reply and solve: the duration in calendar time, else NaN
 * @param businessSeconds the same in business hours, NaN when unknown
 * @param detail the SLA target for breaches, the survey kind for surveys, {@code won} or {@code
 *     lost} for a closed deal, else null
 * @param score the survey score label for surveys, else null
 * @param tags the ticket's {@code tag} label values ({@code kpi.tags}), each counted once; empty
 *     without tags
 */
public record Transition(
    Type type,
    String source,
    List<String> dimensions,
    double calendarSeconds,
    double businessSeconds,
    String detail,
    String score,
    List<String> tags) {

  public Transition {
    tags = List.copyOf(tags);
  }

  /** A transition without {@code tag} label values. */
  public Transition(
      Type type,
      String source,
      List<String> dimensions,
      double calendarSeconds,
      double businessSeconds,
      String detail,
      String score) {
    this(type, source, dimensions, calendarSeconds, businessSeconds, detail, score, List.of());
  }

  /** What happened. */
  public enum Type {
    CREATED,
    FIRST_REPLY,
    SOLVED,
    REOPENED,
    ESCALATED,
    SLA_BREACH,
    SURVEY,
    DEAL_CLOSED
  }
}
