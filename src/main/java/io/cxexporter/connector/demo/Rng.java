package io.cxexporter.connector.demo;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deterministic randomness for the simulation: every draw comes from a generator seeded by {@code
 * (seed, purpose, key)}, so a ticket, an hour of arrivals or a customer is the same whenever and in
 * whatever order it is generated.
 *
 * <pre>{@code
 * SplittableRandom r = Rng.of(seed, Rng.TICKET, ticketNumber);
 * long firstReply = Rng.lognormalMillis(r, 45 * Rng.MINUTE, 1.0);
 * }</pre>
 */
final class Rng {
  static final long SECOND = 1_000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /** Purposes: each keeps its own stream of numbers, so adding one never shifts another. */
  static final long TICKET_ARRIVALS = 1;

  static final long TICKET = 2;
  static final long NPS = 3;
  static final long CUSTOMER_BASE = 4;
  static final long CUSTOMER = 5;
  static final long DEAL = 6;

  private Rng() {}

  /** A generator for one {@code (seed, purpose, key)}. */
  static SplittableRandom of(long seed, long purpose, long key) {
    long h = mix(seed ^ mix(purpose * 0x9E3779B97F4A7C15L));
    return new SplittableRandom(mix(h + key * 0xBF58476D1CE4E5B9L));
  }

  /** The SplitMix64 finalizer: spreads every input bit over the whole output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A Poisson-distributed count with the given mean (normal approximation above 40). */
  static int poisson(SplittableRandom r, double mean) {
    if (!(mean > 0)) {
      return 0;
    }
    if (mean < 40) {
      double limit = Math.exp(-mean);
      double p = r.nextDouble();
      int k = 0;
      while (p > limit) {
        k++;
        p *= r.nextDouble();
      }
      return k;
    }
    double n = Math.rint(mean + Math.sqrt(mean) * r.nextGaussian());
    return (int) Math.max(0, Math.min(n, 50_000_000));
  }

  /** A long-tailed duration: half of the draws are below {@code median}. */
  static long lognormalMillis(SplittableRandom r, double median, double sigma) {
    return Math.max(SECOND, Math.round(median * Math.exp(sigma * r.nextGaussian())));
  }

  /** A uniform duration in {@code [min, max)}. */
  static long uniformMillis(SplittableRandom r, long min, long max) {
    return min + (long) (r.nextDouble() * (max - min));
  }

  /** True with probability {@code p}. */
  static boolean chance(SplittableRandom r, double p) {
    return r.nextDouble() < p;
  }

  /** An index drawn with the given (not necessarily normalized) weights. */
  static int weighted(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < weights.length - 1; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** Failures before the first success, each try succeeding with probability {@code p}. */
  static int geometric(SplittableRandom r, double p) {
    int n = 0;
    while (n < 20 && r.nextDouble() >= p) {
      n++;
    }
    return n;
  }

  /** A Poisson number of instants, uniform in {@code [from, to)}, sorted. */
  static long[] arrivals(SplittableRandom r, double mean, long from, long to) {
    if (to <= from) {
      return new long[0];
    }
    long[] t = new long[poisson(r, mean)];
    for (int i = 0; i < t.length; i++) {
      t[i] = from + (long) (r.nextDouble() * (to - from));
    }
    Arrays.sort(t);
    return t;
  }
}
