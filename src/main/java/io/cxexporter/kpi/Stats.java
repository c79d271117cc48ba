package io.cxexporter.kpi;

import java.util.Arrays;

/** Exact statistics over a window's values. */
final class Stats {
  private Stats() {}

  /**
   * The nearest-rank quantile: the smallest value with at least {@code q} of the values at or below
   * it ({@code values[ceil(q*n)-1]} of the sorted values). Sorts {@code values} in place. NaN when
   * empty.
   */
  static double quantile(double[] values, int n, double q) {
    if (n == 0) {
      return Double.NaN;
    }
    Arrays.sort(values, 0, n);
    int rank = (int) Math.ceil(q * n);
    return values[Math.max(0, Math.min(n, rank) - 1)];
  }

  /** The mean, NaN when empty. */
  static double mean(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += values[i];
    }
    return s / n;
  }

  /** A growable list of doubles without boxing. */
  static final class Values {
    private double[] data = new double[16];
    private int n;

    void add(double v) {
      if (Double.isNaN(v)) {
        return;
      }
      if (n == data.length) {
        data = Arrays.copyOf(data, n * 2);
      }
      data[n++] = v;
    }

    int size() {
      return n;
    }

    double mean() {
      return Stats.mean(data, n);
    }

    double quantile(double q) {
      return Stats.quantile(data, n, q);
    }
  }
}
