package io.cxexporter.kpi;

import java.util.HashSet;
import java.util.Set;

/** The running sums of one window for the whole source or one dimension value. */
final class WindowAggregates {
  final Stats.Values firstReplyCal = new Stats.Values();
  final Stats.Values firstReplyBus = new Stats.Values();
  final Stats.Values resolutionCal = new Stats.Values();
  final Stats.Values resolutionBus = new Stats.Values();
  long created;
  long escalated;
  long solved;
  long fcrSolved;
  long fcrKnown;
  long reopened;
  final Set<String> agents = new HashSet<>();
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

  static double ratio(long num, long den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}
