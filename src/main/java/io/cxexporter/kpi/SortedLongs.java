package io.cxexporter.kpi;

import java.util.Arrays;

/**
 * A multiset of longs that finds its i-th smallest value fast: the exact order statistics behind
 * the incremental engine's quantiles. Values sit in sorted chunks of at most {@value #CHUNK}; a
 * chunk is found by binary search over the chunks' first values, a value inserted or removed moves
 * at most one chunk's tail, and {@link #select} walks the chunk sizes.
 *
 * <pre>{@code
 * SortedLongs s = new SortedLongs();
 * s.add(SortedLongs.key(3.5));
 * double p50 = SortedLongs.value(s.select(s.size() / 2));
 * }</pre>
 *
 * <p>{@link #key} maps doubles to longs in the order of {@link Double#compare} (-0.0 before +0.0),
 * the order {@link Arrays#sort(double[])} gives, so a nearest-rank pick equals one from a sorted
 * array bit for bit. Not thread-safe.
 */
final class SortedLongs {
  /** Values per chunk at most; a full chunk splits in two. */
  static final int CHUNK = 128;

  private static final long[][] NO_CHUNKS = new long[0][];
  private static final int[] NO_SIZES = new int[0];

  private static final long[] NO_FIRSTS = new long[0];

  private long[][] chunks = NO_CHUNKS;
  private int[] sizes = NO_SIZES;

  /** Each chunk's first value, side by side, so finding a chunk reads one small array. */
  private long[] firsts = NO_FIRSTS;

  private int count;
  private int total;

  /**
   * Where the last two selects ended: a chunk ({@code -1}: none) and how many values precede it,
   * kept through changes, so the next p50 and p90 walk from there, not from an end. A 30-day
   * history selects in every set at each of its 8,641 steps, and walking the chunk sizes of sets of
   * up to 1M values from an end was a tenth of a step (JFR).
   */
  private int cursor0 = -1;

  private int before0;
  private int cursor1 = -1;
  private int before1;

  /** The cursor a select that starts from an end replaces: the one not used last. */
  private boolean lastWasCursor0;

  /** The key of a double, ordered as {@link Double#compare} orders doubles. */
  static long key(double v) {
    long bits = Double.doubleToLongBits(v);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  /** The double of a {@link #key}. */
  static double value(long key) {
    return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
  }

  int size() {
    return total;
  }

  private static int capacityFor(int len) {
    int c = 8;
    while (c < len) {
      c <<= 1;
    }
    return Math.min(c, CHUNK);
  }

  /**
   * Sorts {@code keys[0..n)} ascending and moves {@code payload[0..n)} along (stable): a radix sort
   * (16-bit digits, digits that are the same in every value skipped), several times faster than
   * sorting objects on the durations a rebuild sorts; the result is in the given arrays.
   */
  static void sortPairs(long[] keys, int[] payload, int n) {
    if (n < 2) {
      return;
    }
    if (n < RADIX_MIN) {
      mergeSortPairs(keys, payload, n);
      return;
    }
    long[] src = keys;
    int[] srcP = payload;
    long[] dst = new long[n];
    int[] dstP = new int[n];
    int[] count = new int[1 << 16];
    for (int shift = 0; shift < 64; shift += 16) {
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[digit(src[i], shift)]++;
      }
      if (count[digit(src[0], shift)] == n) {
        continue;
      }
      int sum = 0;
      for (int d = 0; d < count.length; d++) {
        int c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (int i = 0; i < n; i++) {
        long v = src[i];
        int at = count[digit(v, shift)]++;
        dst[at] = v;
        dstP[at] = srcP[i];
      }
      long[] t = src;
      src = dst;
      dst = t;
      int[] tp = srcP;
      srcP = dstP;
      dstP = tp;
    }
    if (src != keys) {
      System.arraycopy(src, 0, keys, 0, n);
      System.arraycopy(srcP, 0, payload, 0, n);
    }
  }

  /**
   * Below this many values {@link #sortPairs} merges instead: each radix pass walks 65,536 counts
   * whatever {@code n}, which made sorting the few hundred values of each of 1,000 small sources
   * cost more than everything else in their first snapshot (issue 18).
   */
  static final int RADIX_MIN = 1 << 14;

  /** {@link #sortPairs} for small {@code n}: a stable merge sort, insertion-sorted runs of 16. */
  private static void mergeSortPairs(long[] keys, int[] payload, int n) {
    final int run = 16;
    for (int lo = 0; lo < n; lo += run) {
      int hi = Math.min(n, lo + run);
      for (int i = lo + 1; i < hi; i++) {
        long k = keys[i];
        int p = payload[i];
        int j = i - 1;
        while (j >= lo && keys[j] > k) {
          keys[j + 1] = keys[j];
          payload[j + 1] = payload[j];
          j--;
        }
        keys[j + 1] = k;
        payload[j + 1] = p;
      }
    }
    if (n <= run) {
      return;
    }
    // each pass merges pairs of sorted runs into the buffers, then copies them back (a pass's copy
    // costs little next to its merging at these sizes)
    long[] mergedKeys = new long[n];
    int[] mergedPayload = new int[n];
    for (int width = run; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(n, lo + width);
        int hi = Math.min(n, lo + 2 * width);
        int a = lo;
        int b = mid;
        int o = lo;
        while (a < mid || b < hi) {
          // <= keeps equal keys in their order: stable
          boolean left = b == hi || (a < mid && keys[a] <= keys[b]);
          int from = left ? a++ : b++;
          mergedKeys[o] = keys[from];
          mergedPayload[o++] = payload[from];
        }
      }
      System.arraycopy(mergedKeys, 0, keys, 0, n);
      System.arraycopy(mergedPayload, 0, payload, 0, n);
    }
  }

  /** A 16-bit digit of a value in unsigned order (the sign bit flipped). */
  private static int digit(long v, int shift) {
    return (int) (((v ^ Long.MIN_VALUE) >>> shift) & 0xffff);
  }

  /**
   * Appends a value not below any value in the set (building it in ascending order): fills whole
   * chunks.
   */
  void append(long v) {
    if (count > 0 && sizes[count - 1] < CHUNK && chunks[count - 1].length == CHUNK) {
      chunks[count - 1][sizes[count - 1]++] = v;
    } else {
      grow(count + 1);
      if (count == 1 && sizes[0] == 0) {
        count = 0; // the empty chunk kept by drop
      }
      long[] c = new long[CHUNK];
      c[0] = v;
      chunks[count] = c;
      firsts[count] = v;
      sizes[count++] = 1;
    }
    total++;
    counted(count - 1, 1); // the value is in the last chunk: only a cursor past the end counts it
  }

  /** Adds one value. */
  void add(long v) {
    if (count == 0) {
      grow(1);
      chunks[0] = new long[8];
      firsts[0] = v;
      sizes[0] = 0;
      count = 1;
    }
    int c = chunkFor(v);
    long[] a = chunks[c];
    int n = sizes[c];
    if (n == CHUNK) {
      split(c);
      if (v >= chunks[c + 1][0]) {
        c++;
      }
      a = chunks[c];
      n = sizes[c];
    } else if (n == a.length) {
      a = chunks[c] = Arrays.copyOf(a, Math.min(CHUNK, a.length * 2));
    }
    int at = upper(a, n, v);
    System.arraycopy(a, at, a, at + 1, n - at);
    a[at] = v;
    if (at == 0) {
      firsts[c] = v;
    }
    sizes[c] = n + 1;
    total++;
    counted(c, 1);
  }

  /** Removes one value equal to {@code v}; false when there is none. */
  boolean remove(long v) {
    if (count == 0) {
      return false;
    }
    // equal values may span chunks: start at the first chunk that can hold v
    int c = firstChunkFor(v);
    for (; c < count; c++) {
      long[] a = chunks[c];
      int n = sizes[c];
      if (n > 0 && a[0] > v) {
        return false;
      }
      int at = lower(a, n, v);
      if (at < n && a[at] == v) {
        System.arraycopy(a, at + 1, a, at, n - at - 1);
        sizes[c] = n - 1;
        if (at == 0) {
          firsts[c] = a[0];
        }
        total--;
        counted(c, -1);
        if (n - 1 == 0) {
          drop(c);
        } else if (c + 1 < count && n - 1 + sizes[c + 1] <= CHUNK / 2) {
          merge(c);
        }
        return true;
      }
      if (at < n) {
        return false;
      }
    }
    return false;
  }

  /** The value of rank {@code i} (0-based) in ascending order. */
  long select(int i) {
    if (i < 0 || i >= total) {
      throw new IndexOutOfBoundsException(i + " of " + total);
    }
    // start from the nearer of the two cursors and the two ends
    long d0 = cursor0 >= 0 && cursor0 < count ? Math.abs((long) i - before0) : Long.MAX_VALUE;
    long d1 = cursor1 >= 0 && cursor1 < count ? Math.abs((long) i - before1) : Long.MAX_VALUE;
    boolean use0 = d0 <= d1;
    int c;
    int before;
    if (Math.min(d0, d1) <= Math.min(i, total - i)) {
      c = use0 ? cursor0 : cursor1;
      before = use0 ? before0 : before1;
    } else {
      use0 = !lastWasCursor0;
      if (i < total / 2) {
        c = 0;
        before = 0;
      } else {
        c = count - 1;
        before = total - sizes[c];
      }
    }
    while (i < before) {
      before -= sizes[--c];
    }
    while (i >= before + sizes[c]) {
      before += sizes[c++];
    }
    if (use0) {
      cursor0 = c;
      before0 = before;
    } else {
      cursor1 = c;
      before1 = before;
    }
    lastWasCursor0 = use0;
    return chunks[c][i - before];
  }

  /** Chunk {@code c} gained ({@code delta} 1) or lost (-1) a value: cursors past it follow. */
  private void counted(int c, int delta) {
    if (cursor0 > c) {
      before0 += delta;
    }
    if (cursor1 > c) {
      before1 += delta;
    }
  }

  /** The chunks from {@code c} on moved {@code delta} places (a split, a drop). */
  private void shifted(int c, int delta) {
    if (cursor0 >= c) {
      cursor0 += delta;
    }
    if (cursor1 >= c) {
      cursor1 += delta;
    }
  }

  /** The chunk to insert {@code v} into: the last whose first value is at most v, else 0. */
  private int chunkFor(long v) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firsts[mid] <= v) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The first chunk that may hold {@code v}: the last whose first value is below v, else 0. */
  private int firstChunkFor(long v) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firsts[mid] < v) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** First index in {@code a[0..n)} whose value is at least v. */
  private static int lower(long[] a, int n, long v) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** First index in {@code a[0..n)} whose value is above v. */
  private static int upper(long[] a, int n, long v) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void grow(int need) {
    if (need > chunks.length) {
      int len = Math.max(need, chunks.length * 2);
      chunks = Arrays.copyOf(chunks, len);
      sizes = Arrays.copyOf(sizes, len);
      firsts = Arrays.copyOf(firsts, len);
    }
  }

  private void split(int c) {
    grow(count + 1);
    System.arraycopy(chunks, c + 1, chunks, c + 2, count - c - 1);
    System.arraycopy(sizes, c + 1, sizes, c + 2, count - c - 1);
    System.arraycopy(firsts, c + 1, firsts, c + 2, count - c - 1);
    long[] a = chunks[c];
    int half = CHUNK / 2;
    long[] b = new long[CHUNK];
    System.arraycopy(a, half, b, 0, CHUNK - half);
    chunks[c + 1] = b;
    firsts[c + 1] = b[0];
    sizes[c + 1] = CHUNK - half;
    sizes[c] = half;
    count++;
    shifted(c + 1, 1); // a cursor at c stays: the values before it are the same
  }

  private void drop(int c) {
    if (count == 1) {
      sizes[0] = 0; // keep one empty chunk
      return;
    }
    System.arraycopy(chunks, c + 1, chunks, c, count - c - 1);
    System.arraycopy(sizes, c + 1, sizes, c, count - c - 1);
    System.arraycopy(firsts, c + 1, firsts, c, count - c - 1);
    count--;
    chunks[count] = null;
    // a cursor at c now points at the next chunk, with the same values before it (c was empty, or
    // merge moved a cursor off it first)
    shifted(c + 1, -1);
  }

  /** Moves chunk c+1's values to the end of chunk c and drops c+1. */
  private void merge(int c) {
    int n = sizes[c];
    int m = sizes[c + 1];
    long[] a = chunks[c];
    if (a.length < n + m) {
      a = chunks[c] = Arrays.copyOf(a, capacityFor(n + m));
    }
    System.arraycopy(chunks[c + 1], 0, a, n, m);
    sizes[c] = n + m;
    // a cursor at c + 1: its values now sit in c, after the n that were there
    if (cursor0 == c + 1) {
      cursor0 = c;
      before0 -= n;
    }
    if (cursor1 == c + 1) {
      cursor1 = c;
      before1 -= n;
    }
    drop(c + 1);
  }
}
