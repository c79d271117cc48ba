package io.cxexporter.kpi;

/**
 * Sums of doubles that values can leave again without a trace: a 128-bit fixed-point number with 64
 * fraction bits. A window's sum gains and loses values for as long as the exporter runs; in double
 * arithmetic every removal would leave its rounding behind, and a window that emptied to a few
 * small values would show a mean made of old rounding errors. Here adding then removing a value
 * restores the sum exactly.
 *
 * <pre>{@code
 * long[] sums = new long[2 * n];          // two longs per sum
 * ExactSum.add(sums, 2 * k, 1234.567);
 * double mean = ExactSum.get(sums, 2 * k) / count;
 * }</pre>
 *
 * <p>Exact for every finite value from 2^-12 to 2^62 (durations from a quarter millisecond to 146
 * billion years); bits of smaller values below 2^-64 are truncated the same way on adding and on
 * removing, so they still cancel. Larger values and infinities are not expected (KPI durations,
 * survey scores) and are clamped to 2^62.
 */
final class ExactSum {
  private static final double MAX = 0x1p62;

  private ExactSum() {}

  /** Adds {@code v} to the sum at {@code sums[at]} (high) and {@code sums[at + 1]} (low). */
  static void add(long[] sums, int at, double v) {
    if (v > 0) {
      put(sums, at, v, false);
    } else if (v < 0) {
      put(sums, at, -v, true);
    }
  }

  /** Removes {@code v} added before. */
  static void remove(long[] sums, int at, double v) {
    if (v > 0) {
      put(sums, at, v, true);
    } else if (v < 0) {
      put(sums, at, -v, false);
    }
  }

  private static void put(long[] sums, int at, double v, boolean negate) {
    if (!(v < MAX)) {
      v = MAX; // also +Inf
    }
    long bits = Double.doubleToRawLongBits(v);
    int exp = (int) (bits >>> 52) & 0x7ff;
    long m = bits & ((1L << 52) - 1);
    if (exp == 0) {
      exp = 1; // subnormal
    } else {
      m |= 1L << 52;
    }
    // v = m * 2^(exp - 1075); in units of 2^-64: m * 2^(exp - 1011)
    int shift = exp - 1011;
    long hi;
    long lo;
    if (shift >= 64) {
      hi = m << (shift - 64);
      lo = 0;
    } else if (shift > 0) {
      hi = m >>> (64 - shift);
      lo = m << shift;
    } else if (shift > -64) {
      hi = 0;
      lo = m >>> -shift;
    } else {
      return;
    }
    if (negate) {
      // two's complement of (hi, lo)
      lo = ~lo + 1;
      hi = ~hi + (lo == 0 ? 1 : 0);
    }
    long l = sums[at + 1] + lo;
    long carry = Long.compareUnsigned(l, lo) < 0 ? 1 : 0;
    sums[at + 1] = l;
    sums[at] += hi + carry;
  }

  /** Adds another sum, given as its two longs. */
  static void addRaw(long[] sums, int at, long hi, long lo) {
    long l = sums[at + 1] + lo;
    long carry = Long.compareUnsigned(l, lo) < 0 ? 1 : 0;
    sums[at + 1] = l;
    sums[at] += hi + carry;
  }

  /** The sum as a double (rounded at most twice). */
  static double get(long[] sums, int at) {
    long hi = sums[at];
    long lo = sums[at + 1];
    boolean negative = hi < 0;
    if (negative) {
      lo = ~lo + 1;
      hi = ~hi + (lo == 0 ? 1 : 0);
    }
    double v = hi + (lo >>> 11) * 0x1p-53;
    return negative ? -v : v;
  }
}
