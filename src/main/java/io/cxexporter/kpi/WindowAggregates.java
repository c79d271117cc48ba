package io.cxexporter.kpi;

/**
 * The sums of one window for the whole source or one dimension value, as {@link WindowPass} found
 * them.
 */
final class WindowAggregates {
  /** Duration streams: first reply, resolution, requester wait, in calendar and business time. */
  static final int FIRST_REPLY_CAL = 0;

  static final int FIRST_REPLY_BUS = 1;
  static final int RESOLUTION_CAL = 2;
  static final int RESOLUTION_BUS = 3;
  static final int REQUESTER_WAIT_CAL = 4;
  static final int REQUESTER_WAIT_BUS = 5;
  static final int STREAMS = 6;

  /** Where each counter sits in a flat {@code long[]} of {@link #COUNTERS} per aggregate. */
  static final int C_CREATED = 0;

  static final int C_ESCALATED = 1;
  static final int C_SOLVED = 2;
  static final int C_FCR_SOLVED = 3;
  static final int C_FCR_KNOWN = 4;
  static final int C_REOPENED = 5;
  static final int C_SLA_FIRST_MET = 6;
  static final int C_SLA_FIRST_BREACHED = 7;
  static final int C_SLA_RES_MET = 8;
  static final int C_SLA_RES_BREACHED = 9;
  static final int C_CSAT_SATISFIED = 10;
  static final int C_CSAT_TOTAL = 11;
  static final int C_NPS_PROMOTERS = 12;
  static final int C_NPS_DETRACTORS = 13;
  static final int C_NPS_TOTAL = 14;
  static final int C_CES_TOTAL = 15;
  static final int C_REPLIES = 16;
  static final int COUNTERS = 17;

  long created;
  long escalated;
  long solved;
  long fcrSolved;
  long fcrKnown;

  /** Agent replies of the tickets solved whose count is known ({@link #fcrKnown} of them). */
  long replies;

  long reopened;

  /** Distinct assignees of the tickets solved. */
  int agents;

  long slaFirstMet;
  long slaFirstBreached;
  long slaResMet;
  long slaResBreached;
  long csatSatisfied;
  long csatTotal;
  long npsPromoters;
  long npsDetractors;
  long npsTotal;
  double cesSum;
  long cesTotal;

  /** Per duration stream: how many values (NaN ones not counted), their mean, p50 and p90. */
  final long[] count = new long[STREAMS];

  final double[] mean = new double[STREAMS];
  final double[] p50 = new double[STREAMS];
  final double[] p90 = new double[STREAMS];

  /** Sets the counters from {@code counts[at .. at + COUNTERS)}, laid out as the C_ indexes. */
  void counters(long[] counts, int at) {
    created = counts[at + C_CREATED];
    escalated = counts[at + C_ESCALATED];
    solved = counts[at + C_SOLVED];
    fcrSolved = counts[at + C_FCR_SOLVED];
    fcrKnown = counts[at + C_FCR_KNOWN];
    replies = counts[at + C_REPLIES];
    reopened = counts[at + C_REOPENED];
    slaFirstMet = counts[at + C_SLA_FIRST_MET];
    slaFirstBreached = counts[at + C_SLA_FIRST_BREACHED];
    slaResMet = counts[at + C_SLA_RES_MET];
    slaResBreached = counts[at + C_SLA_RES_BREACHED];
    csatSatisfied = counts[at + C_CSAT_SATISFIED];
    csatTotal = counts[at + C_CSAT_TOTAL];
    npsPromoters = counts[at + C_NPS_PROMOTERS];
    npsDetractors = counts[at + C_NPS_DETRACTORS];
    npsTotal = counts[at + C_NPS_TOTAL];
    cesTotal = counts[at + C_CES_TOTAL];
  }

  static double ratio(long num, long den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}
