package io.cxexporter.kpi;

import io.cxexporter.model.SlaStatus;
import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The incremental KPI engine of one source: every windowed aggregate, the backlog and the at-risk
 * counts, kept current as records change and as time moves their events across window edges, so a
 * refresh costs the changes since the last one, not a scan of every record ({@link WindowPass}, the
 * full scan, stays as the tests' oracle).
 *
 * <p>Each ticket has up to five events: its creation, first reply, solve, and for an open ticket
 * the due times of unfulfilled SLA targets; each survey answer one, its response. They are indexed
 * by time ({@link TimeBuckets}). A window {@code w} holds the events in {@code (now - w, now]};
 * when {@link #advance} moves {@code now}, only the events between the old and the new edges are
 * read, and each enters and leaves each window once. A changed record leaves with the aggregates it
 * entered with (remembered on its facts) and enters again with its new ones.
 *
 * <p>Per window and aggregate (the source, each dimension value, each tag value): the counters,
 * exact sums ({@link ExactSum}), distinct agents ({@link IntCounts}) and, per duration stream, the
 * values themselves in an order-statistic multiset ({@link SortedLongs}), so p50 and p90 are exact
 * nearest-rank picks, identical to sorting. The backlog (open tickets by status, the oldest open,
 * the unassigned, the at-risk: a target due in {@code (now, now + horizon]}) is kept per label
 * combination and per tag value the same way; at-risk is a window on due times that looks ahead.
 *
 * <p>Built lazily: the first {@link #advance} after construction or {@link #invalidate} (label
 * ranks that moved a record to another label) rebuilds everything from the source's tables in one
 * pass, sorting each value set once. Called under the engine's lock only.
 */
final class IncrementalWindows implements WindowView {
  static final int CREATED = 0;
  static final int REPLY = 1;
  static final int SOLVED = 2;
  static final int DUE_FIRST = 3;
  static final int DUE_RES = 4;
  static final int SURVEY = 5;

  static final int C_CREATED = WindowAggregates.C_CREATED;
  static final int C_ESCALATED = WindowAggregates.C_ESCALATED;
  static final int C_SOLVED = WindowAggregates.C_SOLVED;
  static final int C_FCR_SOLVED = WindowAggregates.C_FCR_SOLVED;
  static final int C_FCR_KNOWN = WindowAggregates.C_FCR_KNOWN;
  static final int C_REOPENED = WindowAggregates.C_REOPENED;
  static final int C_SLA_FIRST_MET = WindowAggregates.C_SLA_FIRST_MET;
  static final int C_SLA_FIRST_BREACHED = WindowAggregates.C_SLA_FIRST_BREACHED;
  static final int C_SLA_RES_MET = WindowAggregates.C_SLA_RES_MET;
  static final int C_SLA_RES_BREACHED = WindowAggregates.C_SLA_RES_BREACHED;
  static final int C_CSAT_SATISFIED = WindowAggregates.C_CSAT_SATISFIED;
  static final int C_CSAT_TOTAL = WindowAggregates.C_CSAT_TOTAL;
  static final int C_NPS_PROMOTERS = WindowAggregates.C_NPS_PROMOTERS;
  static final int C_NPS_DETRACTORS = WindowAggregates.C_NPS_DETRACTORS;
  static final int C_NPS_TOTAL = WindowAggregates.C_NPS_TOTAL;
  static final int C_CES_TOTAL = WindowAggregates.C_CES_TOTAL;
  static final int C_REPLIES = WindowAggregates.C_REPLIES;
  static final int COUNTERS = WindowAggregates.COUNTERS;

  private static final int S = WindowAggregates.STREAMS;
  private static final int ST = TicketStatus.values().length;
  private static final double[] QUANTILES = {0.5, 0.9};

  private final SourceState s;
  private final int nd;
  private final int nw;
  private final Duration[] windows;
  private final Duration horizon;

  private boolean synced;
  private Instant now;
  private long nowMs;
  private final Instant[] from;
  private final long[] fromMs;
  private Instant riskTo;
  private long riskToMs;

  /** Every event code by time: {@code slot << 3 | kind}. */
  private final TimeBuckets events = new TimeBuckets();

  /** Aggregates allocated: 0 is the whole source. */
  private int aggs;

  private int[][] aggOfValue;
  private int[] aggOfTag = new int[0];
  private int[] tagOfAgg = new int[0];

  /** Per (aggregate * windows + window): counters, CES sum, events counted, agents. */
  private long[] counts = new long[0];

  private long[] ces = new long[0];
  private long[] touched = new long[0];
  private IntCounts[] agents = new IntCounts[0];

  /** Per ((aggregate * windows + window) * streams + stream): values, exact sums, the values. */
  private long[] n = new long[0];

  private long[] sums = new long[0];
  private SortedLongs[] values = new SortedLongs[0];

  /** Windows by rank: shortest first (rings are numbered by rank). */
  private final int[] windowOfRank;

  /** Backlog per combination: open by status, at risk, unassigned, creation times. */
  private long[] open = new long[0];

  private long[] atRisk = new long[0];
  private long[] unassigned = new long[0];
  private SortedLongs[] created = new SortedLongs[0];
  private SortedLongs[] createdUnassigned = new SortedLongs[0];

  /** Backlog per tag label. */
  private long[] tagOpen = new long[0];

  private long[] tagAtRisk = new long[0];
  private SortedLongs[] tagCreated = new SortedLongs[0];

  /** Surveys by the id of their ticket (a SurveyFacts or a list of them). */
  private Map<String, Object> surveysByTicket = new HashMap<>();

  /** Solve and response times up to here were pruned; later records that old are in late*. */
  private long prunedUpTo = Long.MIN_VALUE;

  private final List<String> lateTickets = new ArrayList<>();
  private final List<String> lateSurveys = new ArrayList<>();

  IncrementalWindows(SourceState s, List<Duration> windows, Duration horizon) {
    this.s = s;
    this.nd = s.dimValues.size();
    this.nw = windows.size();
    this.windows = windows.toArray(new Duration[0]);
    this.horizon = horizon;
    this.from = new Instant[nw];
    this.fromMs = new long[nw];
    this.sinks = new WindowSink[nw];
    for (int w = 0; w < nw; w++) {
      sinks[w] = new WindowSink(w);
    }
    Integer[] order = new Integer[nw];
    for (int w = 0; w < nw; w++) {
      order[w] = w;
    }
    Arrays.sort(order, (x, y) -> this.windows[x].compareTo(this.windows[y]));
    this.windowOfRank = new int[nw];
    for (int q = 0; q < nw; q++) {
      windowOfRank[q] = order[q];
    }
    this.aggOfValue = new int[nd][];
    for (int i = 0; i < nd; i++) {
      aggOfValue[i] = new int[0];
    }
  }

  /** Whether the aggregates follow the tables (else the next {@link #advance} rebuilds them). */
  boolean synced() {
    return synced;
  }

  /** Drops everything; the next {@link #advance} rebuilds from the tables. */
  void invalidate() {
    synced = false;
  }

  // ---------------------------------------------------------------- time

  /**
   * Brings every aggregate to {@code t}: rebuilds when not synced, else moves the window edges.
   *
   * @param cutoff what {@link SourceState#prune} just pruned up to, for a rebuild
   */
  void advance(Instant t, Instant cutoff) {
    if (!synced) {
      rebuild(t, cutoff);
      return;
    }
    if (t.equals(now)) {
      return;
    }
    long tMs = t.toEpochMilli();
    Instant rt = t.plus(horizon);
    // each window (and the at-risk one) changes only its own aggregates: a long move, as in a
    // history replay, runs them side by side; a refresh's few seconds stay on this thread
    java.util.function.IntConsumer moveOne =
        w -> {
          if (w < 0) {
            move(-1, now, nowMs, riskTo, riskToMs, t, tMs, rt, rt.toEpochMilli());
          } else {
            Instant f = t.minus(windows[w]);
            move(w, from[w], fromMs[w], now, nowMs, f, f.toEpochMilli(), t, tMs);
          }
        };
    if (Math.abs(tMs - nowMs) >= PARALLEL_MOVE_MS) {
      java.util.stream.IntStream.range(-1, nw).parallel().forEach(moveOne);
    } else {
      java.util.stream.IntStream.range(-1, nw).forEach(moveOne);
    }
    for (int w = 0; w < nw; w++) {
      from[w] = t.minus(windows[w]);
      fromMs[w] = from[w].toEpochMilli();
    }
    now = t;
    nowMs = tMs;
    riskTo = rt;
    riskToMs = rt.toEpochMilli();
  }

  private void bounds(Instant t) {
    now = t;
    nowMs = t.toEpochMilli();
    for (int w = 0; w < nw; w++) {
      from[w] = t.minus(windows[w]);
      fromMs[w] = from[w].toEpochMilli();
    }
    riskTo = t.plus(horizon);
    riskToMs = riskTo.toEpochMilli();
  }

  /**
   * Moves window {@code w} (-1: the at-risk window) from {@code (lo1, hi1]} to {@code (lo2, hi2]}:
   * every event between the old and new edges is checked once.
   */
  private void move(
      int w,
      Instant lo1,
      long lo1Ms,
      Instant hi1,
      long hi1Ms,
      Instant lo2,
      long lo2Ms,
      Instant hi2,
      long hi2Ms) {
    long aFrom = Math.min(lo1Ms, lo2Ms);
    long aTo = Math.max(lo1Ms, lo2Ms);
    long bFrom = Math.min(hi1Ms, hi2Ms);
    long bTo = Math.max(hi1Ms, hi2Ms);
    if (TimeBuckets.bucket(aTo) + 1 >= TimeBuckets.bucket(bFrom)
        && TimeBuckets.bucket(bTo) + 1 >= TimeBuckets.bucket(aFrom)) {
      visit(
          w,
          Math.min(aFrom, bFrom),
          Math.max(aTo, bTo),
          lo1,
          lo1Ms,
          hi1,
          hi1Ms,
          lo2,
          lo2Ms,
          hi2,
          hi2Ms);
    } else {
      visit(w, aFrom, aTo, lo1, lo1Ms, hi1, hi1Ms, lo2, lo2Ms, hi2, hi2Ms);
      visit(w, bFrom, bTo, lo1, lo1Ms, hi1, hi1Ms, lo2, lo2Ms, hi2, hi2Ms);
    }
  }

  private void visit(
      int w,
      long fromMillis,
      long toMillis,
      Instant lo1,
      long lo1Ms,
      Instant hi1,
      long hi1Ms,
      Instant lo2,
      long lo2Ms,
      Instant hi2,
      long hi2Ms) {
    for (int code : events.copy(fromMillis, toMillis)) {
      int kind = code & 7;
      if (w < 0 && kind != DUE_FIRST && kind != DUE_RES) {
        continue;
      }
      boolean was = member(code, lo1, lo1Ms, hi1, hi1Ms);
      boolean is = member(code, lo2, lo2Ms, hi2, hi2Ms);
      if (was != is) {
        if (w < 0) {
          TicketFacts f = s.ticketTable.items()[code >>> 3];
          if (riskEligible(f, kind)) {
            risk(f, is ? 1 : -1);
          }
        } else {
          event(code, w, is ? 1 : -1);
        }
      }
    }
  }

  /** Whether an event's time is in {@code (lo, hi]}. */
  private boolean member(int code, Instant lo, long loMs, Instant hi, long hiMs) {
    int kind = code & 7;
    int slot = code >>> 3;
    long t;
    if (kind == SURVEY) {
      t = s.surveyTable.items()[slot].respondedMillis;
    } else {
      TicketFacts f = s.ticketTable.items()[slot];
      switch (kind) {
        case CREATED -> t = f.createdMillis;
        case REPLY -> t = f.firstReplyMillis;
        case SOLVED -> t = f.solvedMillis;
        default -> {
          Instant due = f.due(kind == DUE_FIRST ? SlaTarget.FIRST_RESPONSE : SlaTarget.RESOLUTION);
          return due.isAfter(lo) && !due.isAfter(hi);
        }
      }
    }
    return t > loMs && t <= hiMs;
  }

  private boolean inWindow(long t, int w) {
    return t > fromMs[w] && t <= nowMs;
  }

  private boolean inWindow(Instant t, int w) {
    return t.isAfter(from[w]) && !t.isAfter(now);
  }

  // ---------------------------------------------------------------- records

  /** A ticket's facts entered the source's table (slot set). */
  void ticketIn(TicketFacts f) {
    if (!synced) {
      return;
    }
    f.labelSet = labelSetOf(f);
    if (f.open) {
      backlog(f, 1);
    }
    ticketEvents(f, 1);
    if (f.solvedMillis != TicketFacts.NO_TIME && f.solvedMillis <= prunedUpTo) {
      lateTickets.add(f.ticket.id());
    }
    surveysOf(f.ticket.id());
  }

  /** A ticket's facts are about to leave the source's table (slot still theirs). */
  void ticketOut(TicketFacts f) {
    if (f.labelSet < 0) {
      return;
    }
    ticketEvents(f, -1);
    if (f.risk > 0) {
      f.risk = 1;
      risk(f, -1);
    }
    if (f.open) {
      backlog(f, -1);
    }
    f.labelSet = -1;
  }

  /**
   * Adds ({@code sign} 1) or removes (-1) a ticket's events: in the time index and in every window
   * holding them; an added due time within the at-risk horizon counts the ticket at risk.
   */
  private void ticketEvents(TicketFacts f, int sign) {
    int code = f.slot << 3;
    for (int kind = CREATED; kind <= DUE_RES; kind++) {
      Instant due = kind >= DUE_FIRST ? dueEvent(f, kind) : null;
      long t =
          switch (kind) {
            case CREATED -> f.createdMillis;
            case REPLY -> f.firstReplyMillis;
            case SOLVED -> f.solvedMillis;
            default -> due == null ? TicketFacts.NO_TIME : due.toEpochMilli();
          };
      if (t == TicketFacts.NO_TIME) {
        continue;
      }
      if (sign > 0) {
        events.add(t, code | kind);
      } else {
        events.remove(t, code | kind);
      }
      for (int w = 0; w < nw; w++) {
        if (due != null ? inWindow(due, w) : inWindow(t, w)) {
          ticketEvent(f, kind, w, sign);
        }
      }
      if (sign > 0
          && due != null
          && riskEligible(f, kind)
          && due.isAfter(now)
          && !due.isAfter(riskTo)) {
        risk(f, 1);
      }
    }
  }

  /** The ticket of id {@code id} changed or left: its surveys take their labels again. */
  void ticketGone(String id) {
    if (synced) {
      surveysOf(id);
    }
  }

  void surveyIn(SourceState.SurveyFacts f) {
    if (!synced) {
      return;
    }
    link(f);
    enterSurvey(f);
    if (f.respondedMillis <= prunedUpTo) {
      lateSurveys.add(f.key);
    }
  }

  /** Files a survey under its ticket's id, so a change of the ticket finds it. */
  private void link(SourceState.SurveyFacts f) {
    String ticket = f.survey.ticketId();
    if (ticket != null) {
      Object o = surveysByTicket.get(ticket);
      if (o == null) {
        surveysByTicket.put(ticket, f);
      } else if (o instanceof SourceState.SurveyFacts other) {
        List<SourceState.SurveyFacts> l = new ArrayList<>(2);
        l.add(other);
        l.add(f);
        surveysByTicket.put(ticket, l);
      } else {
        @SuppressWarnings("unchecked")
        List<SourceState.SurveyFacts> l = (List<SourceState.SurveyFacts>) o;
        l.add(f);
      }
    }
  }

  void surveyOut(SourceState.SurveyFacts f) {
    if (f.labelSet < 0) {
      return;
    }
    String ticket = f.survey.ticketId();
    if (ticket != null) {
      Object o = surveysByTicket.get(ticket);
      if (o == f) {
        surveysByTicket.remove(ticket);
      } else if (o instanceof List<?> l) {
        l.remove(f);
        if (l.isEmpty()) {
          surveysByTicket.remove(ticket);
        }
      }
    }
    leaveSurvey(f);
  }

  private void enterSurvey(SourceState.SurveyFacts f) {
    f.labelSet = surveyLabelSet(f);
    surveyEvents(f, 1);
  }

  private void leaveSurvey(SourceState.SurveyFacts f) {
    surveyEvents(f, -1);
    f.labelSet = -1;
  }

  /**
   * Adds (1) or removes (-1) a survey's response: in the time index and every window holding it.
   */
  private void surveyEvents(SourceState.SurveyFacts f, int sign) {
    int code = f.slot << 3 | SURVEY;
    if (sign > 0) {
      events.add(f.respondedMillis, code);
    } else {
      events.remove(f.respondedMillis, code);
    }
    for (int w = 0; w < nw; w++) {
      if (inWindow(f.respondedMillis, w)) {
        surveyEvent(f, w, sign);
      }
    }
  }

  /** Re-labels the surveys of a ticket whose labels may have changed. */
  private void surveysOf(String ticketId) {
    Object o = surveysByTicket.get(ticketId);
    if (o == null) {
      return;
    }
    List<SourceState.SurveyFacts> l;
    if (o instanceof SourceState.SurveyFacts f) {
      l = List.of(f);
    } else {
      @SuppressWarnings("unchecked")
      List<SourceState.SurveyFacts> list = (List<SourceState.SurveyFacts>) o;
      l = new ArrayList<>(list);
    }
    for (SourceState.SurveyFacts f : l) {
      if (f.labelSet >= 0 && f.labelSet != surveyLabelSet(f)) { // interned: equal sets, equal ids
        leaveSurvey(f);
        enterSurvey(f);
      }
    }
  }

  /**
   * The solved tickets and surveys to prune at {@code cutoff} (epoch millis): those of the time
   * range not looked at yet, and records that arrived older than the last cutoff.
   */
  void prunable(long cutoff, List<String> tickets, List<String> surveys) {
    if (cutoff > prunedUpTo) {
      for (int code : events.copy(prunedUpTo, cutoff)) {
        int kind = code & 7;
        if (kind == SOLVED) {
          TicketFacts f = s.ticketTable.items()[code >>> 3];
          if (f.solvedMillis <= cutoff) {
            tickets.add(f.ticket.id());
          }
        } else if (kind == SURVEY) {
          SourceState.SurveyFacts f = s.surveyTable.items()[code >>> 3];
          if (f.respondedMillis <= cutoff) {
            surveys.add(f.key);
          }
        }
      }
      prunedUpTo = cutoff;
    }
    late(lateTickets, cutoff, tickets, true);
    late(lateSurveys, cutoff, surveys, false);
  }

  private void late(List<String> late, long cutoff, List<String> out, boolean tickets) {
    if (late.isEmpty()) {
      return;
    }
    List<String> keep = new ArrayList<>();
    for (String key : late) {
      long t;
      if (tickets) {
        TicketFacts f = s.tickets.get(key);
        t = f == null || f.slot < 0 ? TicketFacts.NO_TIME : f.solvedMillis;
      } else {
        SourceState.SurveyFacts f = s.surveys.get(key);
        t = f == null ? TicketFacts.NO_TIME : f.respondedMillis;
      }
      if (t == TicketFacts.NO_TIME) {
        continue;
      }
      if (t <= cutoff) {
        out.add(key);
      } else if (t <= prunedUpTo) {
        keep.add(key);
      }
    }
    late.clear();
    late.addAll(keep);
  }

  /**
   * The open tickets with an unfulfilled SLA target due in {@code (from, to]}: those time alone can
   * breach between two ticks. Only while {@link #synced}.
   */
  List<TicketFacts> dueIn(Instant from, Instant to) {
    List<TicketFacts> out = new ArrayList<>();
    for (int code : events.copy(from.toEpochMilli(), to.toEpochMilli())) {
      int kind = code & 7;
      if (kind == DUE_FIRST || kind == DUE_RES) {
        TicketFacts f = s.ticketTable.items()[code >>> 3];
        Instant due = dueEvent(f, kind);
        if (due.isAfter(from) && !due.isAfter(to)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- contributions

  /** The due time of an open ticket's unfulfilled target ({@code kind} DUE_*), else null. */
  private static Instant dueEvent(TicketFacts f, int kind) {
    if (!f.open) {
      return null;
    }
    SlaTarget target = kind == DUE_FIRST ? SlaTarget.FIRST_RESPONSE : SlaTarget.RESOLUTION;
    Instant due = f.due(target);
    return due != null && f.fulfilledAt(target) == null ? due : null;
  }

  /** Whether a due event can make its ticket at risk: the vendor has not called it breached. */
  private static boolean riskEligible(TicketFacts f, int kind) {
    SlaStatus vendor =
        f.ticket.sla(kind == DUE_FIRST ? SlaTarget.FIRST_RESPONSE : SlaTarget.RESOLUTION);
    return vendor == null || !vendor.breached();
  }

  private void risk(TicketFacts f, int sign) {
    int before = f.risk;
    f.risk = (byte) (before + sign);
    if ((before == 0) != (f.risk == 0)) {
      atRisk[f.combo.id] += sign;
      int[] a = s.tags == null ? null : labelSets[f.labelSet]; // see rebuildByRings
      for (int j = 1 + nd; a != null && j < a.length; j++) {
        tagAtRisk[tagOfAgg[a[j]]] += sign;
      }
    }
  }

  /** Changes whenever an open ticket enters or leaves the backlog counts (or on a rebuild). */
  private long backlogVersion;

  long backlogVersion() {
    return backlogVersion;
  }

  private void backlog(TicketFacts f, int sign) {
    backlogVersion++;
    int c = f.combo.id;
    ensureCombos(c + 1);
    open[c * ST + f.ticket.status().ordinal()] += sign;
    long key = nanos(f.ticket.createdAt());
    change(created, c, key, sign);
    if (KpiEngine.unassigned(f.ticket)) {
      unassigned[c] += sign;
      change(createdUnassigned, c, key, sign);
    }
    int[] a = s.tags == null ? null : labelSets[f.labelSet]; // see rebuildByRings
    for (int j = 1 + nd; a != null && j < a.length; j++) {
      int l = tagOfAgg[a[j]];
      tagOpen[l * ST + f.ticket.status().ordinal()] += sign;
      change(tagCreated, l, key, sign);
    }
  }

  private static void change(SortedLongs[] sets, int i, long key, int sign) {
    SortedLongs set = sets[i];
    if (set == null) {
      set = sets[i] = new SortedLongs();
    }
    if (sign > 0) {
      set.add(key);
    } else {
      set.remove(key);
    }
  }

  /** An instant as nanoseconds since the epoch (saturated outside 1677..2262). */
  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private void event(int code, int w, int sign) {
    int kind = code & 7;
    if (kind == SURVEY) {
      surveyEvent(s.surveyTable.items()[code >>> 3], w, sign);
    } else {
      ticketEvent(s.ticketTable.items()[code >>> 3], kind, w, sign);
    }
  }

  private void ticketEvent(TicketFacts f, int kind, int w, int sign) {
    ticketEvent(f, kind, sinks[w].at(labelSets[f.labelSet]), sign);
  }

  private void surveyEvent(SourceState.SurveyFacts f, int w, int sign) {
    surveyEvent(f, sinks[w].at(labelSets[f.labelSet]), sign);
  }

  /**
   * Where a record's contributions go: the aggregates of one window ({@link WindowSink}), or while
   * rebuilding the sums of one label set and ring ({@link RingSink}), dealt out to the windows at
   * the end. One place says what each event counts; the two sinks say where.
   */
  private abstract static class Sink {
    abstract void touch(int sign);

    abstract void count(int counter, long by);

    abstract void value(int stream, double v, int sign);

    abstract void agent(int agent, int sign);

    abstract void ces(double score, int sign);
  }

  private void ticketEvent(TicketFacts f, int kind, Sink k, int sign) {
    k.touch(sign);
    switch (kind) {
      case CREATED -> {
        k.count(C_CREATED, sign);
        if (f.escalated) {
          k.count(C_ESCALATED, sign);
        }
      }
      case REPLY -> {
        k.value(WindowAggregates.FIRST_REPLY_CAL, f.firstReplyCal, sign);
        k.value(WindowAggregates.FIRST_REPLY_BUS, f.firstReplyBus, sign);
        if (f.firstDecided == TicketFacts.Outcome.MET) {
          k.count(C_SLA_FIRST_MET, sign);
        } else if (f.firstDecided == TicketFacts.Outcome.BREACHED) {
          k.count(C_SLA_FIRST_BREACHED, sign);
        }
      }
      case SOLVED -> {
        k.value(WindowAggregates.RESOLUTION_CAL, f.resolutionCal, sign);
        k.value(WindowAggregates.RESOLUTION_BUS, f.resolutionBus, sign);
        k.value(WindowAggregates.REQUESTER_WAIT_CAL, f.requesterWaitCal, sign);
        k.value(WindowAggregates.REQUESTER_WAIT_BUS, f.requesterWaitBus, sign);
        k.count(C_SOLVED, sign);
        if (f.fcrKnown) {
          k.count(C_FCR_KNOWN, sign);
          k.count(C_REPLIES, sign * (long) f.agentReplies);
          if (f.fcrSolved) {
            k.count(C_FCR_SOLVED, sign);
          }
        }
        if (f.reopened) {
          k.count(C_REOPENED, sign);
        }
        if (f.agent >= 0) {
          k.agent(f.agent, sign);
        }
        if (f.resolutionDecided == TicketFacts.Outcome.MET) {
          k.count(C_SLA_RES_MET, sign);
        } else if (f.resolutionDecided == TicketFacts.Outcome.BREACHED) {
          k.count(C_SLA_RES_BREACHED, sign);
        }
      }
      case DUE_FIRST -> k.count(C_SLA_FIRST_BREACHED, sign);
      case DUE_RES -> k.count(C_SLA_RES_BREACHED, sign);
      default -> throw new IllegalStateException("event kind " + kind);
    }
  }

  private void surveyEvent(SourceState.SurveyFacts f, Sink k, int sign) {
    k.touch(sign);
    SurveyResponse sr = f.survey;
    switch (sr.kind()) {
      case CSAT -> {
        k.count(C_CSAT_TOTAL, sign);
        if (sr.satisfied()) {
          k.count(C_CSAT_SATISFIED, sign);
        }
      }
      case NPS -> {
        k.count(C_NPS_TOTAL, sign);
        if (sr.promoter()) {
          k.count(C_NPS_PROMOTERS, sign);
        }
        if (sr.detractor()) {
          k.count(C_NPS_DETRACTORS, sign);
        }
      }
      case CES -> {
        k.count(C_CES_TOTAL, sign);
        k.ces(sr.score(), sign);
      }
    }
  }

  /** A move this long or longer runs the windows side by side. */
  private static final long PARALLEL_MOVE_MS = 60_000;

  /** One sink per window, so windows can move side by side. */
  private final WindowSink[] sinks;

  /** The aggregates {@code a} of window {@code w}: the incremental path. */
  private final class WindowSink extends Sink {
    private int[] a;
    private final int w;

    WindowSink(int w) {
      this.w = w;
    }

    WindowSink at(int[] aggs) {
      this.a = aggs;
      return this;
    }

    @Override
    void touch(int sign) {
      for (int agg : a) {
        touched[agg * nw + w] += sign;
      }
    }

    @Override
    void count(int counter, long by) {
      for (int agg : a) {
        counts[(agg * nw + w) * COUNTERS + counter] += by;
      }
    }

    @Override
    void value(int stream, double v, int sign) {
      if (Double.isNaN(v)) {
        return;
      }
      long key = SortedLongs.key(v);
      for (int agg : a) {
        int k = (agg * nw + w) * S + stream;
        n[k] += sign;
        if (sign > 0) {
          ExactSum.add(sums, k * 2, v);
          SortedLongs set = values[k];
          if (set == null) {
            set = values[k] = new SortedLongs();
          }
          set.add(key);
        } else {
          ExactSum.remove(sums, k * 2, v);
          values[k].remove(key);
        }
      }
    }

    @Override
    void agent(int agent, int sign) {
      for (int agg : a) {
        int k = agg * nw + w;
        IntCounts c = agents[k];
        if (c == null) {
          c = agents[k] = new IntCounts();
        }
        c.add(agent, sign);
      }
    }

    @Override
    void ces(double score, int sign) {
      for (int agg : a) {
        int k = (agg * nw + w) * 2;
        if (sign > 0) {
          ExactSum.add(ces, k, score);
        } else {
          ExactSum.remove(ces, k, score);
        }
      }
    }
  }

  /**
   * A rebuild's sums per label set (by id) and ring (rank of the shortest window holding the
   * event): each event is counted once, not once per window and aggregate; the values are kept once
   * per stream with their set and ring ({@code ring << 27 | id}), sorted once per stream at the end
   * and dealt out to the windows' sets in order.
   */
  private final class RingSink extends Sink {
    private static final int ID_BITS = 27;

    /** Label sets with room in the sums: ids below this. */
    private int sets;

    private int id;
    private int r;
    private long[] cnt = new long[0];
    private long[] tch = new long[0];
    private long[] vn = new long[0];
    private long[] vsum = new long[0];
    private long[] cesSum = new long[0];
    private IntCounts[] ag = new IntCounts[0];

    /** Each stream's values and their set and ring (a rebuild's ticket gives one at most). */
    private final long[][] keys = new long[S][];

    private final int[][] payload = new int[S][];
    private final int[] size = new int[S];

    /**
     * A sink with room for {@code sets} label sets and {@code values} values per stream. Sized
     * before a scan where known, so the scan's per-record code does not grow them: a branch taken
     * only at the start of a rebuild is one the JIT compiles as never taken, and taking it in the
     * next rebuild deoptimized the whole scan (PrintCompilation, second rebuild of a JVM).
     */
    RingSink(int sets, int values) {
      room(sets);
      for (int st = 0; st < S; st++) {
        keys[st] = new long[Math.max(16, values)];
        payload[st] = new int[keys[st].length];
      }
    }

    private void room(int need) {
      if (need > 1 << ID_BITS) {
        throw new IllegalStateException("too many label sets to rebuild: " + need);
      }
      sets = Math.max(need, Math.min(1 << ID_BITS, sets * 2));
      int c = sets * nw;
      cnt = Arrays.copyOf(cnt, c * COUNTERS);
      tch = Arrays.copyOf(tch, c);
      vn = Arrays.copyOf(vn, c * S);
      vsum = Arrays.copyOf(vsum, c * S * 2);
      cesSum = Arrays.copyOf(cesSum, c * 2);
      ag = Arrays.copyOf(ag, c);
    }

    /** Sends the next contributions to label set {@code set}, ring {@code ring}. */
    void at(int set, int ring) {
      if (set >= sets) {
        room(set + 1);
      }
      id = set;
      r = ring;
    }

    @Override
    void touch(int sign) {
      tch[id * nw + r] += sign;
    }

    @Override
    void count(int counter, long by) {
      cnt[(id * nw + r) * COUNTERS + counter] += by;
    }

    @Override
    void value(int stream, double v, int sign) {
      if (Double.isNaN(v)) {
        return;
      }
      int k = (id * nw + r) * S + stream;
      vn[k]++;
      ExactSum.add(vsum, k * 2, v);
      int at = size[stream]++;
      if (at == keys[stream].length) {
        keys[stream] = Arrays.copyOf(keys[stream], at * 2);
        payload[stream] = Arrays.copyOf(payload[stream], at * 2);
      }
      keys[stream][at] = SortedLongs.key(v);
      payload[stream][at] = r << ID_BITS | id;
    }

    @Override
    void agent(int agent, int sign) {
      int k = id * nw + r;
      IntCounts c = ag[k];
      if (c == null) {
        c = ag[k] = new IntCounts();
      }
      c.add(agent, sign);
    }

    @Override
    void ces(double score, int sign) {
      ExactSum.add(cesSum, (id * nw + r) * 2, score);
    }

    /** Adds every set's ring sums to the windows holding that ring, for each of its aggregates. */
    void dealSums() {
      for (int i = 0; i < Math.min(sets, labelSetCount); i++) {
        int[] a = labelSets[i];
        for (int ring = 0; ring < nw; ring++) {
          int b = i * nw + ring;
          if (tch[b] == 0) {
            continue; // no event in this ring
          }
          for (int q = ring; q < nw; q++) {
            int w = windowOfRank[q];
            for (int agg : a) {
              int k = agg * nw + w;
              touched[k] += tch[b];
              for (int c = 0; c < COUNTERS; c++) {
                counts[k * COUNTERS + c] += cnt[b * COUNTERS + c];
              }
              ExactSum.addRaw(ces, k * 2, cesSum[b * 2], cesSum[b * 2 + 1]);
              for (int st = 0; st < S; st++) {
                n[k * S + st] += vn[b * S + st];
                ExactSum.addRaw(
                    sums, (k * S + st) * 2, vsum[(b * S + st) * 2], vsum[(b * S + st) * 2 + 1]);
              }
              if (ag[b] != null) {
                IntCounts c = agents[k];
                if (c == null) {
                  c = agents[k] = new IntCounts();
                }
                c.addAll(ag[b]);
              }
            }
          }
        }
      }
    }

    /** One value to its sets: a method per value, compiled early (see {@link #scanTicket}). */
    private static void deal(long key, SortedLongs[] sets) {
      for (SortedLongs set : sets) {
        set.append(key);
      }
    }

    /** Sorts one stream's values and deals them out to its windows' sets, in order. */
    void dealValues(int stream) {
      long[] ks = keys[stream];
      int[] ps = payload[stream];
      int len = size[stream];
      SortedLongs.sortPairs(ks, ps, len);
      // the sets each label set and ring deals to: every window holding the ring, each aggregate
      int ids = Math.min(sets, labelSetCount);
      SortedLongs[][] to = new SortedLongs[ids * nw][];
      for (int id = 0; id < ids; id++) {
        int[] a = labelSets[id];
        for (int ring = 0; ring < nw; ring++) {
          if (vn[(id * nw + ring) * S + stream] == 0) {
            continue;
          }
          SortedLongs[] t = new SortedLongs[(nw - ring) * a.length];
          int m = 0;
          for (int q = ring; q < nw; q++) {
            int w = windowOfRank[q];
            for (int agg : a) {
              int j = (agg * nw + w) * S + stream;
              SortedLongs set = values[j];
              if (set == null) {
                set = values[j] = new SortedLongs();
              }
              t[m++] = set;
            }
          }
          to[id * nw + ring] = t;
        }
      }
      int mask = (1 << ID_BITS) - 1;
      for (int i = 0; i < len; i++) {
        int p = ps[i];
        deal(ks[i], to[(p & mask) * nw + (p >>> ID_BITS)]);
      }
      keys[stream] = null;
      payload[stream] = null;
    }
  }

  // ---------------------------------------------------------------- aggregates

  /** A ticket's label set: the source, its dimension values, its tag labels. */
  private int labelSetOf(TicketFacts f) {
    int base = labelSetOf(f.combo);
    if (s.tags == null) {
      return base;
    }
    return withTags(labelSets[base], f.tags);
  }

  /** A combination's label set: the source and its dimension values. */
  private int labelSetOf(SourceState.Combo c) {
    if (c.labelSet < 0) {
      int[] a = new int[1 + nd];
      for (int i = 0; i < nd; i++) {
        a[1 + i] = aggOfValue(i, c.index[i]);
      }
      c.labelSet = intern(a);
    }
    return c.labelSet;
  }

  private int withTags(int[] base, int[] rawTags) {
    int[] labels = new int[Math.max(1, rawTags.length)];
    int k = s.tags.labelsOf(rawTags, labels);
    int[] out = Arrays.copyOf(base, base.length + k);
    for (int j = 0; j < k; j++) {
      out[base.length + j] = aggOfTag(labels[j]);
    }
    return intern(out);
  }

  /**
   * Label sets by id: the aggregates a record counts in, each distinct set once ({@link #intern}),
   * so equal sets have equal ids; records and a rebuild's sums refer to them by id.
   */
  private int[][] labelSets = new int[0][];

  private int labelSetCount;

  private final Map<AggsKey, Integer> interned = new HashMap<>();

  private record AggsKey(int[] a) {
    @Override
    public boolean equals(Object o) {
      return o instanceof AggsKey k && Arrays.equals(a, k.a);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(a);
    }
  }

  /** The id of a label set: an equal set's id, else a new one. */
  private int intern(int[] a) {
    return interned.computeIfAbsent(
        new AggsKey(a),
        k -> {
          if (labelSetCount == labelSets.length) {
            labelSets = Arrays.copyOf(labelSets, Math.max(16, labelSetCount * 2));
          }
          labelSets[labelSetCount] = k.a();
          return labelSetCount++;
        });
  }

  /** A survey's label set: its own dimension values, else its ticket's, else none. */
  private int surveyLabelSet(SourceState.SurveyFacts f) {
    String id = f.survey.ticketId();
    TicketFacts t = id == null ? null : s.ticketOf(f); // remembered: no map look-up
    if (t != null && t.labelSet < 0) {
      t = null; // a version on its way out or not indexed
    }
    return surveyLabelSet(f, t, t == null ? -1 : t.labelSet);
  }

  /**
   * A survey's label set, given its ticket {@code t} (null for none), which counts (or is about to)
   * in label set {@code ticketSet}.
   */
  private int surveyLabelSet(SourceState.SurveyFacts f, TicketFacts t, int ticketSet) {
    int[] own = f.own.index;
    boolean anyOwn = false;
    for (int v : own) {
      anyOwn |= v >= 0;
    }
    if (!anyOwn && t != null) {
      return ticketSet; // the ticket's labels and tags
    }
    if (!anyOwn && noneAggs >= 0) {
      return noneAggs;
    }
    int[] base = new int[1 + nd];
    for (int i = 0; i < nd; i++) {
      int v = own[i] >= 0 ? own[i] : t != null ? t.dimIndex[i] : noneIndex(i);
      base[1 + i] = aggOfValue(i, v);
    }
    if (!anyOwn) {
      noneAggs = s.tags == null ? intern(base) : withTags(base, new int[0]);
      return noneAggs;
    }
    if (s.tags == null) {
      return intern(base);
    }
    return withTags(base, t == null ? new int[0] : t.tags);
  }

  /** The label set of a survey without labels of its own nor a ticket (cached), else -1. */
  private int noneAggs = -1;

  private int[] noneIndexes;

  private int noneIndex(int dim) {
    if (noneIndexes == null) {
      noneIndexes = new int[nd];
      for (int i = 0; i < nd; i++) {
        noneIndexes[i] = s.valueIndex(i, LabelCap.NONE);
      }
    }
    return noneIndexes[dim];
  }

  private int aggOfValue(int dim, int value) {
    int[] m = aggOfValue[dim];
    if (value >= m.length) {
      int len = Math.max(value + 1, m.length * 2);
      int old = m.length;
      m = aggOfValue[dim] = Arrays.copyOf(m, len);
      Arrays.fill(m, old, len, -1);
    }
    if (m[value] < 0) {
      m[value] = newAgg();
    }
    return m[value];
  }

  private int aggOfTag(int label) {
    if (label >= aggOfTag.length) {
      int old = aggOfTag.length;
      int len = Math.max(label + 1, old * 2);
      aggOfTag = Arrays.copyOf(aggOfTag, len);
      Arrays.fill(aggOfTag, old, len, -1);
    }
    if (aggOfTag[label] < 0) {
      int a = newAgg();
      aggOfTag[label] = a;
      if (a >= tagOfAgg.length) {
        tagOfAgg = Arrays.copyOf(tagOfAgg, Math.max(a + 1, tagOfAgg.length * 2));
      }
      tagOfAgg[a] = label;
      ensureTags(label + 1);
    }
    return aggOfTag[label];
  }

  private int newAgg() {
    int a = aggs++;
    int cap = counts.length / (nw * COUNTERS);
    if (aggs > cap) {
      int c = Math.max(aggs, cap * 2);
      counts = Arrays.copyOf(counts, c * nw * COUNTERS);
      ces = Arrays.copyOf(ces, c * nw * 2);
      touched = Arrays.copyOf(touched, c * nw);
      agents = Arrays.copyOf(agents, c * nw);
      n = Arrays.copyOf(n, c * nw * S);
      sums = Arrays.copyOf(sums, c * nw * S * 2);
      values = Arrays.copyOf(values, c * nw * S);
    }
    return a;
  }

  private void ensureCombos(int need) {
    if (need * ST > open.length) {
      int c = Math.max(need, open.length / ST * 2);
      open = Arrays.copyOf(open, c * ST);
      atRisk = Arrays.copyOf(atRisk, c);
      unassigned = Arrays.copyOf(unassigned, c);
      created = Arrays.copyOf(created, c);
      createdUnassigned = Arrays.copyOf(createdUnassigned, c);
    }
  }

  private void ensureTags(int need) {
    if (need * ST > tagOpen.length) {
      int c = Math.max(need, tagOpen.length / ST * 2);
      tagOpen = Arrays.copyOf(tagOpen, c * ST);
      tagAtRisk = Arrays.copyOf(tagAtRisk, c);
      tagCreated = Arrays.copyOf(tagCreated, c);
    }
  }

  // ---------------------------------------------------------------- rebuild

  private void rebuild(Instant t, Instant cutoff) {
    aggs = 0;
    for (int i = 0; i < nd; i++) {
      aggOfValue[i] = new int[0];
    }
    aggOfTag = new int[0];
    tagOfAgg = new int[0];
    noneAggs = -1;
    noneIndexes = null;
    interned.clear();
    labelSets = new int[0][];
    labelSetCount = 0;
    counts = new long[0];
    ces = new long[0];
    touched = new long[0];
    agents = new IntCounts[0];
    n = new long[0];
    sums = new long[0];
    values = new SortedLongs[0];
    open = new long[0];
    atRisk = new long[0];
    unassigned = new long[0];
    created = new SortedLongs[0];
    createdUnassigned = new SortedLongs[0];
    tagOpen = new long[0];
    tagAtRisk = new long[0];
    tagCreated = new SortedLongs[0];
    events.clear();
    surveysByTicket = new HashMap<>(Math.max(16, s.surveyTable.limit() * 4 / 3));
    lateTickets.clear();
    lateSurveys.clear();
    prunedUpTo = cutoff.toEpochMilli();
    for (SourceState.Combo c : s.comboById) {
      c.labelSet = -1;
    }
    bounds(t);
    newAgg(); // 0: the whole source
    backlogVersion++;
    synced = true;
    try {
      if (nw >= 1 << (31 - RingSink.ID_BITS)) {
        rebuildOneByOne(); // more windows than a ring number holds: slower, same result
      } else {
        rebuildByRings();
      }
    } catch (RuntimeException | Error e) {
      synced = false;
      throw e;
    }
  }

  private void rebuildOneByOne() {
    TicketFacts[] items = s.ticketTable.items();
    for (int i = 0, limit = s.ticketTable.limit(); i < limit; i++) {
      if (items[i] != null) {
        items[i].labelSet = -1;
        items[i].risk = 0;
        ticketIn(items[i]);
      }
    }
    SourceState.SurveyFacts[] surveys = s.surveyTable.items();
    for (int i = 0, limit = s.surveyTable.limit(); i < limit; i++) {
      if (surveys[i] != null) {
        surveys[i].labelSet = -1;
        surveyIn(surveys[i]);
      }
    }
  }

  /**
   * Records (tickets and surveys) from which a rebuild runs on two threads; package-private so the
   * differential fuzz can lower it and check the threaded path on small histories.
   */
  static int parallelRebuildMin = 200_000;

  /**
   * The rebuild proper: one pass over the tickets and one over the surveys sums each event once
   * into its label set's ring ({@link RingSink}); then the sums and the values, sorted once per
   * stream, are dealt out to the windows. From {@link #parallelRebuildMin} records a second thread
   * files the surveys by ticket and, without {@code kpi.tags}, scans the surveys into sums of its
   * own while this one scans the tickets; then it loads the time index while this one deals out the
   * sums, and both deal out the streams' values.
   *
   * <p>The two scans share no writes: each combination's label set is made before they start, a
   * survey takes its ticket's set from the ticket's combination (the ticket pass may not have set
   * it yet), and only the survey pass makes new sets and aggregates (surveys with labels of their
   * own), so the sums are dealt out only after it. With tags, a ticket's set is made as it is met,
   * so the surveys wait for the tickets on this thread.
   */
  private void rebuildByRings() {
    boolean parallel = s.ticketTable.limit() + s.surveyTable.limit() >= parallelRebuildMin;
    boolean split = parallel && s.tags == null;
    if (split) {
      for (SourceState.Combo c : s.comboById) {
        labelSetOf(c);
      }
    }
    ensureCombos(s.comboCount()); // the backlog's arrays, before the scan (see RingSink)
    RingSink sink = new RingSink(labelSetCount, s.ticketTable.limit());
    Events ev = new Events(s.ticketTable.limit() * 3 + s.surveyTable.limit());
    java.util.concurrent.atomic.AtomicInteger nextStream =
        new java.util.concurrent.atomic.AtomicInteger();
    Runnable dealing =
        () -> {
          for (int st; (st = nextStream.getAndIncrement()) < S; ) {
            sink.dealValues(st);
          }
        };
    if (!parallel) {
      scanTickets(sink, ev);
      scanSurveys(sink, ev, true, true);
      events.load(ev.millis, ev.codes, ev.n);
      sink.dealSums();
      dealing.run();
      return;
    }
    RingSink surveySink = split ? new RingSink(0, 0) : null;
    Events surveyEv = split ? new Events(s.surveyTable.limit()) : null;
    java.util.concurrent.CountDownLatch scanned = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch surveysScanned = new java.util.concurrent.CountDownLatch(1);
    boolean[] abandoned = new boolean[2]; // [0] the ticket scan failed, [1] the survey scan did
    java.util.concurrent.FutureTask<Void> helper =
        new java.util.concurrent.FutureTask<>(
            () -> {
              try {
                if (split) {
                  scanSurveys(surveySink, surveyEv, false, true);
                } else {
                  linkSurveys();
                }
              } catch (RuntimeException | Error e) {
                abandoned[1] = true; // read after the latch
                throw e;
              } finally {
                surveysScanned.countDown();
              }
              scanned.await();
              if (!abandoned[0]) {
                if (split) {
                  ev.addAll(surveyEv); // after the tickets' events, as on one thread
                }
                events.load(ev.millis, ev.codes, ev.n);
                dealing.run();
              }
              return null;
            });
    Thread thread = new Thread(helper, "kpi-rebuild");
    thread.setDaemon(true);
    thread.start();
    Throwable failure = null;
    boolean interrupted = false;
    try {
      try {
        scanTickets(sink, ev);
        if (!split) {
          scanSurveys(sink, ev, true, false);
        }
      } catch (RuntimeException | Error e) {
        abandoned[0] = true; // read after the latch
        throw e;
      } finally {
        scanned.countDown();
      }
      // the survey scan may make aggregates (surveys' own labels), which grows the arrays the sums
      // are dealt into: deal only once it is done
      interrupted = awaitThroughInterrupts(surveysScanned);
      if (!abandoned[1]) { // else the helper's failure is thrown below
        sink.dealSums();
        if (split) {
          surveySink.dealSums();
        }
        dealing.run();
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    while (true) {
      try {
        helper.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the helper still writes this engine's state: wait for it
      } catch (java.util.concurrent.ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        }
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    } else if (failure instanceof Error e) {
      throw e;
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  /**
   * Waits for {@code latch} even when interrupted (the helper still writes this engine's state);
   * returns whether an interrupt came, for the caller to restore.
   */
  private static boolean awaitThroughInterrupts(java.util.concurrent.CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /** Files every survey under its ticket's id: needs nothing else, so it may run beside a scan. */
  private void linkSurveys() {
    SourceState.SurveyFacts[] surveys = s.surveyTable.items();
    for (int i = 0, limit = s.surveyTable.limit(); i < limit; i++) {
      if (surveys[i] != null) {
        link(surveys[i]);
      }
    }
  }

  /**
   * Sums every ticket's events into {@code sink} and collects them into {@code ev} for the time
   * index; counts the backlog and at-risk.
   */
  private void scanTickets(RingSink sink, Events ev) {
    TicketFacts[] items = s.ticketTable.items();
    for (int i = 0, limit = s.ticketTable.limit(); i < limit; i++) {
      if (items[i] != null) {
        scanTicket(items[i], sink, ev);
      }
    }
  }

  /**
   * One ticket of {@link #scanTickets}: a method per record, not the loop's body, so the JIT
   * compiles it fully after some thousand tickets. A loop run once per rebuild only reaches
   * optimized code by on-stack replacement, and after a deoptimization ran a 1M-ticket scan at the
   * profiling tier (PrintCompilation; scans of 700-860 ms against 270-310 once compiled).
   */
  private void scanTicket(TicketFacts f, RingSink sink, Events ev) {
    int a = labelSetOf(f);
    f.labelSet = a;
    f.risk = 0;
    int code = f.slot << 3;
    ev.add(f.createdMillis, code | CREATED);
    int r = ring(f.createdMillis);
    if (r >= 0) {
      sink.at(a, r);
      ticketEvent(f, CREATED, sink, 1);
    }
    if (f.firstReplyMillis != TicketFacts.NO_TIME) {
      ev.add(f.firstReplyMillis, code | REPLY);
      if ((r = ring(f.firstReplyMillis)) >= 0) {
        sink.at(a, r);
        ticketEvent(f, REPLY, sink, 1);
      }
    }
    if (f.solvedMillis != TicketFacts.NO_TIME) {
      ev.add(f.solvedMillis, code | SOLVED);
      if ((r = ring(f.solvedMillis)) >= 0) {
        sink.at(a, r);
        ticketEvent(f, SOLVED, sink, 1);
      }
    }
    if (f.open) {
      backlog(f, 1);
      for (int kind = DUE_FIRST; kind <= DUE_RES; kind++) {
        Instant due = dueEvent(f, kind);
        if (due != null) {
          ev.add(due.toEpochMilli(), code | kind);
          if ((r = ring(due)) >= 0) {
            sink.at(a, r);
            ticketEvent(f, kind, sink, 1);
          }
          if (riskEligible(f, kind) && due.isAfter(now) && !due.isAfter(riskTo)) {
            risk(f, 1);
          }
        }
      }
    }
  }

  /**
   * Sums every survey's response into {@code sink} and collects it into {@code ev}, filing each by
   * ticket too if {@code link} (one pass over the surveys, not two); {@code ticketsScanned}: the
   * tickets' label sets are set, else (no tags: a ticket's set is its combination's) each is read
   * from the ticket's combination, made before the scans started.
   */
  private void scanSurveys(RingSink sink, Events ev, boolean ticketsScanned, boolean link) {
    SourceState.SurveyFacts[] surveys = s.surveyTable.items();
    for (int i = 0, limit = s.surveyTable.limit(); i < limit; i++) {
      if (surveys[i] != null) {
        scanSurvey(surveys[i], sink, ev, ticketsScanned, link);
      }
    }
  }

  /** One survey of {@link #scanSurveys}, a method of its own as {@link #scanTicket} is. */
  private void scanSurvey(
      SourceState.SurveyFacts f, RingSink sink, Events ev, boolean ticketsScanned, boolean link) {
    if (link) {
      link(f);
    }
    // the table's version of its ticket: counted by this rebuild
    TicketFacts t = f.survey.ticketId() == null ? null : s.ticketOf(f);
    int ticketSet = t == null ? -1 : ticketsScanned ? t.labelSet : t.combo.labelSet;
    if (t != null && ticketSet < 0) {
      throw new IllegalStateException("a ticket's combination has no label set yet");
    }
    f.labelSet = surveyLabelSet(f, t, ticketSet);
    ev.add(f.respondedMillis, f.slot << 3 | SURVEY);
    int r = ring(f.respondedMillis);
    if (r >= 0) {
      sink.at(f.labelSet, r);
      surveyEvent(f, sink, 1);
    }
  }

  /** Event times and codes collected by a rebuild, loaded into the time index at once. */
  private static final class Events {
    long[] millis;
    int[] codes;
    int n;

    Events(int capacity) {
      millis = new long[Math.max(16, capacity)];
      codes = new int[millis.length];
    }

    /** Appends every event of {@code other}. */
    void addAll(Events other) {
      if (n + other.n > millis.length) {
        millis = Arrays.copyOf(millis, n + other.n);
        codes = Arrays.copyOf(codes, n + other.n);
      }
      System.arraycopy(other.millis, 0, millis, n, other.n);
      System.arraycopy(other.codes, 0, codes, n, other.n);
      n += other.n;
    }

    void add(long t, int code) {
      if (n == millis.length) {
        millis = Arrays.copyOf(millis, n * 2);
        codes = Arrays.copyOf(codes, n * 2);
      }
      millis[n] = t;
      codes[n++] = code;
    }
  }

  /** The rank of the shortest window holding a time (epoch millis), or -1 for none. */
  private int ring(long t) {
    if (t > nowMs) {
      return -1;
    }
    for (int q = 0; q < nw; q++) {
      if (t > fromMs[windowOfRank[q]]) {
        return q;
      }
    }
    return -1;
  }

  private int ring(Instant t) {
    if (t.isAfter(now)) {
      return -1;
    }
    for (int q = 0; q < nw; q++) {
      if (t.isAfter(from[windowOfRank[q]])) {
        return q;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- reading

  /** The aggregate of dimension {@code dim}'s value {@code value}, or -1 for none yet. */
  @Override
  public int aggregate(int dim, int value) {
    int[] m = aggOfValue[dim];
    return value < m.length ? m[value] : -1;
  }

  @Override
  public int tagAggregate(int value) {
    return value < aggOfTag.length ? aggOfTag[value] : -1;
  }

  /** Whether any window counted a record in the aggregate. */
  @Override
  public boolean present(int agg) {
    if (agg < 0) {
      return false;
    }
    for (int w = 0; w < nw; w++) {
      if (touched[agg * nw + w] > 0) {
        return true;
      }
    }
    return false;
  }

  /** The sums of window {@code w} (config order) for aggregate {@code agg}. */
  @Override
  public WindowAggregates aggregates(int w, int agg) {
    int k = agg * nw + w;
    WindowAggregates a = new WindowAggregates();
    a.counters(counts, k * COUNTERS);
    a.cesSum = ExactSum.get(ces, k * 2);
    a.agents = agents[k] == null ? 0 : agents[k].distinct();
    for (int st = 0; st < S; st++) {
      int v = k * S + st;
      long count = n[v];
      a.count[st] = count;
      if (count == 0) {
        a.mean[st] = Double.NaN;
        a.p50[st] = Double.NaN;
        a.p90[st] = Double.NaN;
        continue;
      }
      a.mean[st] = ExactSum.get(sums, v * 2) / count;
      a.p50[st] = quantile(values[v], count, QUANTILES[0]);
      a.p90[st] = quantile(values[v], count, QUANTILES[1]);
    }
    return a;
  }

  private static double quantile(SortedLongs set, long count, double q) {
    long rank = Math.max(1, Math.min(count, (long) Math.ceil(q * count)));
    return SortedLongs.value(set.select((int) (rank - 1)));
  }

  /** Combinations the backlog knows (ids below this). */
  int combos() {
    return open.length / ST;
  }

  long open(int combo, TicketStatus status) {
    return combo * ST >= open.length ? 0 : open[combo * ST + status.ordinal()];
  }

  /** The creation of the oldest open ticket of a combination, or null. */
  Instant oldest(int combo) {
    return min(created, combo);
  }

  long atRisk(int combo) {
    return combo < atRisk.length ? atRisk[combo] : 0;
  }

  long unassigned(int combo) {
    return combo < unassigned.length ? unassigned[combo] : 0;
  }

  Instant oldestUnassigned(int combo) {
    return min(createdUnassigned, combo);
  }

  long tagOpen(int label, TicketStatus status) {
    return label * ST >= tagOpen.length ? 0 : tagOpen[label * ST + status.ordinal()];
  }

  Instant tagOldest(int label) {
    return min(tagCreated, label);
  }

  long tagAtRisk(int label) {
    return label < tagAtRisk.length ? tagAtRisk[label] : 0;
  }

  private static Instant min(SortedLongs[] sets, int i) {
    if (i >= sets.length || sets[i] == null || sets[i].size() == 0) {
      return null;
    }
    return instant(sets[i].select(0));
  }
}
