package io.cxexporter.kpi;

import io.cxexporter.model.SlaTarget;
import io.cxexporter.model.SurveyResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Every windowed aggregate of one source at one instant, from one scan of its tickets and surveys.
 *
 * <p>All windows end now, so they nest: a record in a window is in every longer one. Each record is
 * counted once, in its ring (the part of the shortest window holding it that no shorter window
 * covers), and a window is the sum of its rings. Aggregates: the whole source, one per value of
 * each dimension, and one per {@code tag} value ({@code kpi.tags}), where a record counts in the
 * aggregate of each of its ticket's tag values.
 *
 * <p>Quantiles stay exact nearest-rank without sorting every value: the scan also counts values per
 * histogram bucket (1/32 of an octave); the counts give the bucket holding the wanted rank, and a
 * second scan collects only that bucket's values, which are sorted to pick it.
 */
final class WindowPass implements WindowView {
  private static final int CREATED = WindowAggregates.C_CREATED;
  private static final int ESCALATED = WindowAggregates.C_ESCALATED;
  private static final int SOLVED = WindowAggregates.C_SOLVED;
  private static final int FCR_SOLVED = WindowAggregates.C_FCR_SOLVED;
  private static final int FCR_KNOWN = WindowAggregates.C_FCR_KNOWN;
  private static final int REOPENED = WindowAggregates.C_REOPENED;
  private static final int SLA_FIRST_MET = WindowAggregates.C_SLA_FIRST_MET;
  private static final int SLA_FIRST_BREACHED = WindowAggregates.C_SLA_FIRST_BREACHED;
  private static final int SLA_RES_MET = WindowAggregates.C_SLA_RES_MET;
  private static final int SLA_RES_BREACHED = WindowAggregates.C_SLA_RES_BREACHED;
  private static final int CSAT_SATISFIED = WindowAggregates.C_CSAT_SATISFIED;
  private static final int CSAT_TOTAL = WindowAggregates.C_CSAT_TOTAL;
  private static final int NPS_PROMOTERS = WindowAggregates.C_NPS_PROMOTERS;
  private static final int NPS_DETRACTORS = WindowAggregates.C_NPS_DETRACTORS;
  private static final int NPS_TOTAL = WindowAggregates.C_NPS_TOTAL;
  private static final int CES_TOTAL = WindowAggregates.C_CES_TOTAL;
  private static final int REPLIES = WindowAggregates.C_REPLIES;
  private static final int COUNTERS = WindowAggregates.COUNTERS;

  private static final int S = WindowAggregates.STREAMS;

  // Histogram buckets, in value order: negative (and -0.0), +0.0, tiny, 32 per octave from
  // 2^MIN_EXP to 2^MAX_EXP, huge (and +Inf).
  private static final int NEGATIVE = 0;
  private static final int ZERO = 1;
  private static final int TINY = 2;
  private static final int MIN_EXP = -10;
  private static final int MAX_EXP = 34;
  private static final int SUB_BITS = 5;
  private static final int FIRST = 3;
  private static final int HUGE = FIRST + ((MAX_EXP - MIN_EXP) << SUB_BITS);
  private static final int B = HUGE + 1;
  private static final double[] QUANTILES = {0.5, 0.9};

  private final SourceState s;
  private final int nd;
  private final int rings;

  /** Window index (config order) by rank (shortest first), and rank by window index. */
  private final int[] windowOfRank;

  private final int[] rankOfWindow;
  private final long toMillis;
  private final long[] fromMillis;
  private final Instant to;
  private final Instant[] from;

  /** Aggregate index: 0 the whole source, {@code offset[i] + value index} dimension i's value. */
  private final int[] offset;

  private final int aggs;

  /** The source's tag labels (null without {@code kpi.tags}), and the first tag aggregate. */
  private final TagLabels tagLabels;

  private final int tagOffset;
  private final int tagValues;

  /** The tag aggregates of the record being counted, and scratch for their label indexes. */
  private int[] tagAgg = new int[4];

  private int tagCount;
  private int[] tagScratch = new int[4];
  private final int[] none;
  private final long[] counts;
  private final double[] cesSum;
  private final long[] n;
  private final double[] sum;
  private final int[] hist;
  private final BitSet[] agents;
  private final boolean[] present;
  private final int[] scratch;

  /** Per window rank, aggregate, stream and quantile: the bucket and the rank within it. */
  private int[] targetBucket;

  private int[] targetRank;
  private double[] quantile;
  private double[][] collected;
  private int[] collectedSize;

  WindowPass(SourceState s, List<Duration> windows, Instant now) {
    this.s = s;
    this.nd = s.dimValues.size();
    this.rings = windows.size();
    Integer[] order = new Integer[rings];
    for (int i = 0; i < rings; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> windows.get(a).compareTo(windows.get(b)));
    windowOfRank = new int[rings];
    rankOfWindow = new int[rings];
    to = now;
    toMillis = now.toEpochMilli();
    from = new Instant[rings];
    fromMillis = new long[rings];
    for (int r = 0; r < rings; r++) {
      windowOfRank[r] = order[r];
      rankOfWindow[order[r]] = r;
      from[r] = now.minus(windows.get(order[r]));
      fromMillis[r] = from[r].toEpochMilli();
    }
    none = new int[nd];
    for (int i = 0; i < nd; i++) {
      none[i] = s.valueIndex(i, LabelCap.NONE);
    }
    offset = new int[nd];
    int a = 1;
    for (int i = 0; i < nd; i++) {
      offset[i] = a;
      a += s.dimValues.get(i).size();
    }
    tagLabels = s.tags;
    tagOffset = a;
    tagValues = tagLabels == null ? 0 : tagLabels.labels.size();
    a += tagValues;
    aggs = a;
    counts = new long[rings * aggs * COUNTERS];
    cesSum = new double[rings * aggs];
    n = new long[rings * aggs * S];
    sum = new double[rings * aggs * S];
    hist = new int[rings * aggs * S * B];
    agents = new BitSet[rings * aggs];
    present = new boolean[aggs];
    scratch = new int[nd];
  }

  /** Aggregate index of dimension {@code dim}'s value {@code value}. */
  @Override
  public int aggregate(int dim, int value) {
    return offset[dim] + value;
  }

  /** Aggregate index of {@code tag} value {@code value}. */
  @Override
  public int tagAggregate(int value) {
    return tagOffset + value;
  }

  /** Sets the tag aggregates the next records count in: those of a ticket's tag ids. */
  private void tags(int[] raw) {
    tagCount = 0;
    if (tagLabels == null) {
      return;
    }
    if (tagScratch.length < raw.length) {
      tagScratch = new int[raw.length];
      tagAgg = new int[raw.length];
    }
    for (int i = 0, k = tagLabels.labelsOf(raw, tagScratch); i < k; i++) {
      if (tagScratch[i] < tagValues) {
        tagAgg[tagCount++] = tagOffset + tagScratch[i];
      }
    }
  }

  /** Whether any record of any window counted in the aggregate. */
  @Override
  public boolean present(int aggregate) {
    return present[aggregate];
  }

  /** Runs both scans. */
  WindowPass run() {
    scanTickets();
    scanSurveys();
    cumulate();
    findTargets();
    if (collect()) {
      collectTickets();
      pickCollected();
    }
    return this;
  }

  /** The ring of a time in epoch millis (in {@code (from, to]} of its shortest window), or -1. */
  private int ring(long t) {
    if (t > toMillis) {
      return -1;
    }
    for (int r = 0; r < rings; r++) {
      if (t > fromMillis[r]) {
        return r;
      }
    }
    return -1;
  }

  private int ring(Instant t) {
    if (t.isAfter(to)) {
      return -1;
    }
    for (int r = 0; r < rings; r++) {
      if (t.isAfter(from[r])) {
        return r;
      }
    }
    return -1;
  }

  private void touch(int[] d) {
    present[0] = true;
    for (int i = 0; i < nd; i++) {
      present[offset[i] + d[i]] = true;
    }
    for (int j = 0; j < tagCount; j++) {
      present[tagAgg[j]] = true;
    }
  }

  private void count(int r, int[] d, int counter) {
    count(r, d, counter, 1);
  }

  private void count(int r, int[] d, int counter, long by) {
    int base = r * aggs;
    counts[base * COUNTERS + counter] += by;
    for (int i = 0; i < nd; i++) {
      counts[(base + offset[i] + d[i]) * COUNTERS + counter] += by;
    }
    for (int j = 0; j < tagCount; j++) {
      counts[(base + tagAgg[j]) * COUNTERS + counter] += by;
    }
  }

  private void value(int r, int[] d, int stream, double v) {
    if (Double.isNaN(v)) {
      return;
    }
    int b = bucket(v);
    int base = r * aggs;
    for (int i = -1; i < nd + tagCount; i++) {
      int k = (base + (i < 0 ? 0 : i < nd ? offset[i] + d[i] : tagAgg[i - nd])) * S + stream;
      n[k]++;
      sum[k] += v;
      hist[k * B + b]++;
    }
  }

  private void agent(int r, int[] d, int agent) {
    int base = r * aggs;
    for (int i = -1; i < nd + tagCount; i++) {
      int k = base + (i < 0 ? 0 : i < nd ? offset[i] + d[i] : tagAgg[i - nd]);
      BitSet bits = agents[k];
      if (bits == null) {
        bits = agents[k] = new BitSet();
      }
      bits.set(agent);
    }
  }

  private void scanTickets() {
    TicketFacts[] items = s.ticketTable.items();
    for (int i = 0, limit = s.ticketTable.limit(); i < limit; i++) {
      TicketFacts f = items[i];
      if (f == null) {
        continue;
      }
      int[] d = f.dimIndex;
      tags(f.tags);
      int r = ring(f.createdMillis);
      if (r >= 0) {
        touch(d);
        count(r, d, CREATED);
        if (f.escalated) {
          count(r, d, ESCALATED);
        }
      }
      if (f.firstReplyMillis != TicketFacts.NO_TIME && (r = ring(f.firstReplyMillis)) >= 0) {
        touch(d);
        value(r, d, WindowAggregates.FIRST_REPLY_CAL, f.firstReplyCal);
        value(r, d, WindowAggregates.FIRST_REPLY_BUS, f.firstReplyBus);
        if (f.firstDecided == TicketFacts.Outcome.MET) {
          count(r, d, SLA_FIRST_MET);
        } else if (f.firstDecided == TicketFacts.Outcome.BREACHED) {
          count(r, d, SLA_FIRST_BREACHED);
        }
      }
      if (f.solvedMillis != TicketFacts.NO_TIME && (r = ring(f.solvedMillis)) >= 0) {
        touch(d);
        value(r, d, WindowAggregates.RESOLUTION_CAL, f.resolutionCal);
        value(r, d, WindowAggregates.RESOLUTION_BUS, f.resolutionBus);
        value(r, d, WindowAggregates.REQUESTER_WAIT_CAL, f.requesterWaitCal);
        value(r, d, WindowAggregates.REQUESTER_WAIT_BUS, f.requesterWaitBus);
        count(r, d, SOLVED);
        if (f.fcrKnown) {
          count(r, d, FCR_KNOWN);
          count(r, d, REPLIES, f.agentReplies);
          if (f.fcrSolved) {
            count(r, d, FCR_SOLVED);
          }
        }
        if (f.reopened) {
          count(r, d, REOPENED);
        }
        if (f.agent >= 0) {
          agent(r, d, f.agent);
        }
        if (f.resolutionDecided == TicketFacts.Outcome.MET) {
          count(r, d, SLA_RES_MET);
        } else if (f.resolutionDecided == TicketFacts.Outcome.BREACHED) {
          count(r, d, SLA_RES_BREACHED);
        }
      }
      if (f.open) {
        // open targets that fell due in the window without being fulfilled
        for (SlaTarget target : SlaTarget.values()) {
          Instant due = f.due(target);
          if (due != null
              && f.fulfilledAt(target) == null
              && (r = ring(due)) >= 0
              && f.outcome(target, to) == TicketFacts.Outcome.BREACHED) {
            touch(d);
            count(r, d, target == SlaTarget.FIRST_RESPONSE ? SLA_FIRST_BREACHED : SLA_RES_BREACHED);
          }
        }
      }
    }
  }

  private void scanSurveys() {
    SourceState.SurveyFacts[] items = s.surveyTable.items();
    for (int i = 0, limit = s.surveyTable.limit(); i < limit; i++) {
      SourceState.SurveyFacts f = items[i];
      if (f == null) {
        continue;
      }
      int r = ring(f.respondedMillis);
      if (r < 0) {
        continue;
      }
      int[] d = dims(f);
      if (tagLabels != null) {
        TicketFacts t = s.ticketOf(f);
        tags(t == null ? new int[0] : t.tags);
      }
      touch(d);
      SurveyResponse sr = f.survey;
      switch (sr.kind()) {
        case CSAT -> {
          count(r, d, CSAT_TOTAL);
          if (sr.satisfied()) {
            count(r, d, CSAT_SATISFIED);
          }
        }
        case NPS -> {
          count(r, d, NPS_TOTAL);
          if (sr.promoter()) {
            count(r, d, NPS_PROMOTERS);
          }
          if (sr.detractor()) {
            count(r, d, NPS_DETRACTORS);
          }
        }
        case CES -> {
          count(r, d, CES_TOTAL);
          int base = r * aggs;
          cesSum[base] += sr.score();
          for (int k = 0; k < nd; k++) {
            cesSum[base + offset[k] + d[k]] += sr.score();
          }
          for (int j = 0; j < tagCount; j++) {
            cesSum[base + tagAgg[j]] += sr.score();
          }
        }
      }
    }
  }

  /**
   * A survey's value indexes: its own, else its ticket's, else {@code none} (as SourceState.dims).
   */
  private int[] dims(SourceState.SurveyFacts f) {
    int[] own = f.own.index;
    boolean complete = true;
    for (int v : own) {
      complete &= v >= 0;
    }
    if (complete) {
      return own;
    }
    TicketFacts t = s.ticketOf(f);
    for (int i = 0; i < nd; i++) {
      scratch[i] = own[i] >= 0 ? own[i] : t != null ? t.dimIndex[i] : none[i];
    }
    return scratch;
  }

  /** Turns ring sums into window sums: rank r then holds every ring up to r. */
  private void cumulate() {
    for (int r = 1; r < rings; r++) {
      add(counts, r, aggs * COUNTERS);
      add(n, r, aggs * S);
      add(cesSum, r, aggs);
      add(sum, r, aggs * S);
      add(hist, r, aggs * S * B);
      for (int a = 0; a < aggs; a++) {
        BitSet prev = agents[(r - 1) * aggs + a];
        if (prev != null) {
          BitSet cur = agents[r * aggs + a];
          if (cur == null) {
            cur = agents[r * aggs + a] = new BitSet();
          }
          cur.or(prev);
        }
      }
    }
  }

  private static void add(long[] x, int r, int len) {
    for (int i = r * len, j = (r - 1) * len, end = i + len; i < end; i++, j++) {
      x[i] += x[j];
    }
  }

  private static void add(double[] x, int r, int len) {
    for (int i = r * len, j = (r - 1) * len, end = i + len; i < end; i++, j++) {
      x[i] += x[j];
    }
  }

  private static void add(int[] x, int r, int len) {
    for (int i = r * len, j = (r - 1) * len, end = i + len; i < end; i++, j++) {
      x[i] += x[j];
    }
  }

  /** The bucket and in-bucket rank of every quantile; the values of +0.0 buckets right away. */
  private void findTargets() {
    int slots = rings * aggs * S * 2;
    targetBucket = new int[slots];
    targetRank = new int[slots];
    quantile = new double[slots];
    Arrays.fill(targetBucket, -1);
    for (int k = 0; k < rings * aggs * S; k++) {
      long count = n[k];
      if (count == 0) {
        continue;
      }
      for (int q = 0; q < 2; q++) {
        long rank = Math.max(1, Math.min(count, (long) Math.ceil(QUANTILES[q] * count)));
        long below = 0;
        int b = 0;
        for (int h = k * B; below + hist[h] < rank; h++, b++) {
          below += hist[h];
        }
        if (b == ZERO) {
          quantile[k * 2 + q] = 0.0; // the bucket holds +0.0 alone
        } else {
          targetBucket[k * 2 + q] = b;
          targetRank[k * 2 + q] = (int) (rank - below);
        }
      }
    }
  }

  private boolean collect() {
    collected = new double[targetBucket.length][];
    collectedSize = new int[targetBucket.length];
    boolean any = false;
    for (int t = 0; t < targetBucket.length; t++) {
      any |= targetBucket[t] >= 0;
    }
    return any;
  }

  private void collectTickets() {
    TicketFacts[] items = s.ticketTable.items();
    for (int i = 0, limit = s.ticketTable.limit(); i < limit; i++) {
      TicketFacts f = items[i];
      if (f == null) {
        continue;
      }
      int r;
      tags(f.tags);
      if (f.firstReplyMillis != TicketFacts.NO_TIME && (r = ring(f.firstReplyMillis)) >= 0) {
        gather(r, f.dimIndex, WindowAggregates.FIRST_REPLY_CAL, f.firstReplyCal);
        gather(r, f.dimIndex, WindowAggregates.FIRST_REPLY_BUS, f.firstReplyBus);
      }
      if (f.solvedMillis != TicketFacts.NO_TIME && (r = ring(f.solvedMillis)) >= 0) {
        gather(r, f.dimIndex, WindowAggregates.RESOLUTION_CAL, f.resolutionCal);
        gather(r, f.dimIndex, WindowAggregates.RESOLUTION_BUS, f.resolutionBus);
        gather(r, f.dimIndex, WindowAggregates.REQUESTER_WAIT_CAL, f.requesterWaitCal);
        gather(r, f.dimIndex, WindowAggregates.REQUESTER_WAIT_BUS, f.requesterWaitBus);
      }
    }
  }

  /** Keeps the value for each window and aggregate whose quantile lies in its bucket. */
  private void gather(int ring, int[] d, int stream, double v) {
    if (Double.isNaN(v)) {
      return;
    }
    int b = bucket(v);
    for (int r = ring; r < rings; r++) {
      int base = r * aggs;
      for (int i = -1; i < nd + tagCount; i++) {
        int k =
            ((base + (i < 0 ? 0 : i < nd ? offset[i] + d[i] : tagAgg[i - nd])) * S + stream) * 2;
        if (targetBucket[k] == b) {
          append(k, v);
        }
        if (targetBucket[k + 1] == b && targetBucket[k] != b) {
          append(k + 1, v);
        }
      }
    }
  }

  private void append(int t, double v) {
    double[] c = collected[t];
    if (c == null) {
      c = collected[t] = new double[16];
    } else if (collectedSize[t] == c.length) {
      c = collected[t] = Arrays.copyOf(c, c.length * 2);
    }
    c[collectedSize[t]++] = v;
  }

  private void pickCollected() {
    for (int t = 0; t < targetBucket.length; t++) {
      if (targetBucket[t] < 0) {
        continue;
      }
      // p90 in the same bucket as p50 reads p50's values
      int from = t % 2 == 1 && targetBucket[t - 1] == targetBucket[t] ? t - 1 : t;
      if (t == from) {
        Arrays.sort(collected[t], 0, collectedSize[t]);
      }
      quantile[t] = collected[from][targetRank[t] - 1];
    }
  }

  /** The bucket of a value that is not NaN; buckets are in value order. */
  static int bucket(double v) {
    long bits = Double.doubleToRawLongBits(v);
    if (bits < 0) {
      return NEGATIVE;
    }
    if (bits == 0) {
      return ZERO;
    }
    int e = (int) (bits >>> 52) - 1023;
    if (e < MIN_EXP) {
      return TINY;
    }
    if (e >= MAX_EXP) {
      return HUGE;
    }
    return FIRST + ((e - MIN_EXP) << SUB_BITS) + (int) ((bits >>> (52 - SUB_BITS)) & 31);
  }

  /** The sums of window {@code window} (config order) for aggregate {@code aggregate}. */
  @Override
  public WindowAggregates aggregates(int window, int aggregate) {
    int r = rankOfWindow[window];
    int k = r * aggs + aggregate;
    WindowAggregates a = new WindowAggregates();
    a.counters(counts, k * COUNTERS);
    a.cesSum = cesSum[k];
    a.agents = agents[k] == null ? 0 : agents[k].cardinality();
    for (int st = 0; st < S; st++) {
      int v = k * S + st;
      a.count[st] = n[v];
      a.mean[st] = n[v] == 0 ? Double.NaN : sum[v] / n[v];
      a.p50[st] = n[v] == 0 ? Double.NaN : quantile[v * 2];
      a.p90[st] = n[v] == 0 ? Double.NaN : quantile[v * 2 + 1];
    }
    return a;
  }
}
