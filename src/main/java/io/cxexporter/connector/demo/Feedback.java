package io.cxexporter.connector.demo;

import static io.cxexporter.connector.demo.Rng.DAY;
import static io.cxexporter.connector.demo.Rng.HOUR;

import java.util.SplittableRandom;

/**
 * How simulated customers answer surveys: mostly happy, less so when their ticket was slow,
 * escalated or had to be reopened. Also the NPS answers, which are about the product as a whole.
 */
final class Feedback {
  private static final double[] UNHAPPY_CSAT = {0.30, 0.25, 0.45}; // scores 1, 2, 3

  /** NPS answers 0..10: about 52 % promoters (9-10), 19 % detractors (0-6), so NPS is ~33. */
  private static final double[] NPS = {
    0.015, 0.010, 0.010, 0.020, 0.025, 0.045, 0.065, 0.130, 0.160, 0.230, 0.290
  };

  private Feedback() {}

  /**
   * A CSAT score on 1-5 for a solved ticket.
   *
   * @param resolution creation to last solve, milliseconds
   * @param firstReply creation to first reply, milliseconds, or negative when never replied
   */
  static double csat(
      SplittableRandom r, int reopens, boolean escalated, long resolution, long firstReply) {
    double p = 0.95 - 0.22 * reopens - (escalated ? 0.10 : 0);
    if (resolution > 3 * DAY) {
      p -= 0.15;
    } else if (resolution > DAY) {
      p -= 0.05;
    }
    if (firstReply < 0) {
      p -= 0.3;
    } else if (firstReply > 8 * HOUR) {
      p -= 0.05;
    }
    p = Math.max(0.15, Math.min(0.97, p));
    if (Rng.chance(r, p)) {
      return Rng.chance(r, 0.7) ? 5 : 4;
    }
    return 1 + Rng.weighted(r, UNHAPPY_CSAT);
  }

  /** A CES score on 1-7 (7 = very easy) for a solved ticket. */
  static double ces(SplittableRandom r, int reopens, boolean escalated, long resolution) {
    double mean = 6.0 - 1.3 * reopens - (escalated ? 0.7 : 0);
    if (resolution > 3 * DAY) {
      mean -= 0.8;
    } else if (resolution > DAY) {
      mean -= 0.3;
    }
    long score = Math.round(mean + 1.0 * r.nextGaussian());
    return Math.max(1, Math.min(7, score));
  }

  /** An NPS answer on 0-10. */
  static double nps(SplittableRandom r) {
    return Rng.weighted(r, NPS);
  }
}
