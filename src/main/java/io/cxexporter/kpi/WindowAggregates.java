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

  static double ratio(long num, long den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}
