package io.cxexporter.connector.demo;

import java.util.List;
import java.util.Set;

/**
 * Draws the records born in one UTC hour. Everything a generator returns is a pure function of the
 * seed, the options, the simulation's origin and the hour, so any hour can be dropped and drawn
 * again later with the same result.
 */
interface Generator {
  /** Reach of a generator whose records can change at any later time (never forgotten). */
  long UNBOUNDED = Long.MAX_VALUE;

  /** The streams whose records this generator draws. */
  Set<Feed> feeds();

  /** The first hour (hours since the epoch) that holds any record: earlier hours are empty. */
  long firstHour();

  /**
   * How long after the end of {@code hour} its records can still change, or {@link #UNBOUNDED}.
   * Hours whose reach ends before everything still being read are forgotten.
   */
  long reach(long hour);

  /** The largest {@link #reach(long)} of any hour. */
  long maxReach();

  /** The histories of the records born in {@code hour}, any stream of {@link #feeds()}. */
  List<History> generate(long hour);
}
