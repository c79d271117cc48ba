package io.cxexporter.kpi;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * Event codes (ints) by time, in buckets of {@value #WIDTH_MS} ms: the time-ordered queues the
 * incremental engine walks when its window edges move. Only the buckets a move passes over are
 * read, so moving a window by 15 seconds costs the few events at its two edges.
 *
 * <pre>{@code
 * TimeBuckets events = new TimeBuckets();
 * events.add(createdMillis, code);
 * int[] codes = events.copy(fromMillis, toMillis); // every code in the buckets of [from, to]
 * }</pre>
 *
 * <p>{@link #copy} hands out every code of the buckets overlapping the range, some outside it: the
 * caller checks each event's exact time. Not thread-safe.
 */
final class TimeBuckets {
  static final long WIDTH_MS = 60_000;

  /** Codes of one bucket, unordered. */
  private static final class Bucket {
    int[] codes = new int[4];
    int size;
  }

  private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
  private long size;

  /**
   * A direct-mapped cache of buckets by number, in front of the tree: consecutive minutes map to
   * consecutive slots, so adding and removing the events of recent weeks rarely walks the tree. It
   * grows with the buckets, up to {@value #MAX_CACHE} slots.
   */
  private static final int MAX_CACHE = 1 << 16;

  private long[] cacheKeys = new long[16];
  private Bucket[] cacheValues = new Bucket[16];

  private Bucket cached(long k) {
    int i = (int) k & (cacheValues.length - 1);
    Bucket b = cacheValues[i];
    if (b != null && cacheKeys[i] == k) {
      return b;
    }
    b = buckets.get(k);
    if (b != null) {
      cacheKeys[i] = k;
      cacheValues[i] = b;
    }
    return b;
  }

  private Bucket create(long k) {
    Bucket b = new Bucket();
    buckets.put(k, b);
    if (buckets.size() * 2 > cacheValues.length && cacheValues.length < MAX_CACHE) {
      cacheKeys = new long[cacheValues.length * 4];
      cacheValues = new Bucket[cacheKeys.length];
    }
    int i = (int) k & (cacheValues.length - 1);
    cacheKeys[i] = k;
    cacheValues[i] = b;
    return b;
  }

  static long bucket(long millis) {
    return Math.floorDiv(millis, WIDTH_MS);
  }

  void add(long millis, int code) {
    long k = bucket(millis);
    Bucket b = cached(k);
    if (b == null) {
      b = create(k);
    }
    if (b.size == b.codes.length) {
      b.codes = Arrays.copyOf(b.codes, b.size * 2);
    }
    b.codes[b.size++] = code;
    size++;
  }

  /** Removes one {@code code} added at {@code millis}; false when it is not there. */
  boolean remove(long millis, int code) {
    long k = bucket(millis);
    Bucket b = cached(k);
    if (b == null) {
      return false;
    }
    for (int i = 0; i < b.size; i++) {
      if (b.codes[i] == code) {
        b.codes[i] = b.codes[--b.size];
        size--;
        if (b.size == 0) {
          buckets.remove(k);
          int c = (int) k & (cacheValues.length - 1);
          if (cacheValues[c] == b) {
            cacheValues[c] = null;
          }
        } else if (b.codes.length > 16 && b.size * 4 < b.codes.length) {
          b.codes = Arrays.copyOf(b.codes, b.codes.length / 2);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * The codes of the buckets overlapping {@code [fromMillis, toMillis]}, copied: safe to change the
   * buckets while reading them.
   */
  int[] copy(long fromMillis, long toMillis) {
    if (fromMillis > toMillis) {
      return new int[0];
    }
    int[] out = new int[16];
    int n = 0;
    for (Bucket b : buckets.subMap(bucket(fromMillis), true, bucket(toMillis), true).values()) {
      if (n + b.size > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, n + b.size));
      }
      System.arraycopy(b.codes, 0, out, n, b.size);
      n += b.size;
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * Replaces the contents with {@code n} codes and their times: sorted by time first, so each
   * bucket is built in one go and the buckets are created in order (a rebuild's million events
   * would otherwise land in random buckets one by one). Reorders both arrays.
   */
  void load(long[] millis, int[] codes, int n) {
    clear();
    if (n == 0) {
      return;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long k = bucket(millis[i]);
      lo = Math.min(lo, k);
      hi = Math.max(hi, k);
    }
    if (hi - lo < 4L * n + countingSlack) {
      loadByCounting(millis, codes, n, lo, (int) (hi - lo + 1));
      return;
    }
    SortedLongs.sortPairs(millis, codes, n);
    int i = 0;
    while (i < n) {
      long k = bucket(millis[i]);
      int j = i + 1;
      while (j < n && bucket(millis[j]) == k) {
        j++;
      }
      Bucket b = create(k);
      b.codes = Arrays.copyOfRange(codes, i, Math.max(j, i + 4));
      b.size = j - i;
      i = j;
    }
    size = n;
  }

  /**
   * Buckets beyond four per event that {@link #load} still counts (else it sorts); package-private
   * so the differential fuzz can raise it and check counting on its small, long histories.
   */
  static long countingSlack = 1024;

  /**
   * {@link #load} when the buckets span at most a few per event: counted by bucket, then each
   * bucket's codes copied out in the order given (a bucket is unordered anyway).
   */
  private void loadByCounting(long[] millis, int[] codes, int n, long lo, int span) {
    int[] start = new int[span + 1];
    for (int i = 0; i < n; i++) {
      start[(int) (bucket(millis[i]) - lo) + 1]++;
    }
    for (int b = 0; b < span; b++) {
      start[b + 1] += start[b];
    }
    int[] at = Arrays.copyOf(start, span);
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[at[(int) (bucket(millis[i]) - lo)]++] = codes[i];
    }
    for (int b = 0; b < span; b++) {
      int from = start[b];
      int to = start[b + 1];
      if (from < to) {
        Bucket bucket = create(lo + b);
        bucket.codes = Arrays.copyOfRange(sorted, from, Math.max(to, from + 4));
        bucket.size = to - from;
      }
    }
    size = n;
  }

  long size() {
    return size;
  }

  void clear() {
    buckets.clear();
    size = 0;
    cacheKeys = new long[16];
    cacheValues = new Bucket[16];
  }
}
