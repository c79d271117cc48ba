package io.cxexporter.kpi;

import java.util.Arrays;

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
 * <p>{@link #copy} hands out every code of the buckets overlapping the range, bucket by bucket in
 * time order, some outside it: the caller checks each event's exact time. Not thread-safe.
 *
 * <p>The buckets live in an open-addressing hash table of primitive keys (linear probing, deletion
 * by backward shift), each bucket one {@code int[]} holding its size then its codes: about 60 bytes
 * a bucket. A {@code TreeMap} of bucket objects cost about 110 bytes a bucket plus a direct-mapped
 * cache in front of it, and one engine per source made that 120 MB of a 1,000-source process (issue
 * 18). A range is read by looking up each of its minutes in order, or, when the range spans more
 * minutes than the table has slots, by sorting the buckets found in the table.
 */
final class TimeBuckets {
  static final long WIDTH_MS = 60_000;

  private static final int MIN_CAPACITY = 16;

  /** Bucket numbers, by slot; meaningful where {@link #values} is not null. */
  private long[] keys = new long[MIN_CAPACITY];

  /** Per slot: null (free), or the bucket: {@code [size, code, code, ...]}, unordered codes. */
  private int[][] values = new int[MIN_CAPACITY][];

  /** Buckets held. */
  private int buckets;

  /** Codes held. */
  private long size;

  static long bucket(long millis) {
    return Math.floorDiv(millis, WIDTH_MS);
  }

  private static int hash(long k, int mask) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** The slot of bucket {@code k}, or -1. */
  private int find(long k) {
    int mask = keys.length - 1;
    for (int i = hash(k, mask); ; i = (i + 1) & mask) {
      if (values[i] == null) {
        return -1;
      }
      if (keys[i] == k) {
        return i;
      }
    }
  }

  /** Puts a new bucket {@code k} (not held yet) and returns its slot. */
  private int put(long k, int[] bucket) {
    if ((buckets + 1) * 3L > keys.length * 2L) {
      resize(keys.length * 2);
    }
    int mask = keys.length - 1;
    int i = hash(k, mask);
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = k;
    values[i] = bucket;
    buckets++;
    return i;
  }

  private void resize(int capacity) {
    long[] oldKeys = keys;
    int[][] oldValues = values;
    keys = new long[capacity];
    values = new int[capacity][];
    int mask = capacity - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldValues[j] != null) {
        int i = hash(oldKeys[j], mask);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
      }
    }
  }

  /** Frees slot {@code i}, moving back the entries of its probe run that hashed before it. */
  private void delete(int i) {
    int mask = keys.length - 1;
    int hole = i;
    for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
      int home = hash(keys[j], mask);
      // j may move to the hole unless its home lies cyclically in (hole, j]
      boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    values[hole] = null;
    buckets--;
  }

  void add(long millis, int code) {
    long k = bucket(millis);
    int i = find(k);
    if (i < 0) {
      put(k, new int[] {1, code, 0, 0});
    } else {
      int[] b = values[i];
      int n = b[0];
      if (n + 1 == b.length) {
        b = Arrays.copyOf(b, b.length * 2);
        values[i] = b;
      }
      b[n + 1] = code;
      b[0] = n + 1;
    }
    size++;
  }

  /** Removes one {@code code} added at {@code millis}; false when it is not there. */
  boolean remove(long millis, int code) {
    int i = find(bucket(millis));
    if (i < 0) {
      return false;
    }
    int[] b = values[i];
    int n = b[0];
    for (int j = 1; j <= n; j++) {
      if (b[j] == code) {
        b[j] = b[n];
        b[0] = --n;
        size--;
        if (n == 0) {
          delete(i);
        } else if (b.length > 17 && (n + 1) * 4 < b.length) {
          values[i] = Arrays.copyOf(b, b.length / 2);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * The codes of the buckets overlapping {@code [fromMillis, toMillis]}, in time order of their
   * buckets, copied: safe to change the buckets while reading them.
   */
  int[] copy(long fromMillis, long toMillis) {
    if (fromMillis > toMillis || buckets == 0) {
      return new int[0];
    }
    long from = bucket(fromMillis);
    long to = bucket(toMillis);
    int[] out = new int[16];
    int n = 0;
    if (Long.compareUnsigned(to - from, keys.length) < 0) {
      for (long k = from; ; k++) {
        int i = find(k);
        if (i >= 0) {
          int[] b = values[i];
          out = append(out, n, b);
          n += b[0];
        }
        if (k == to) {
          break;
        }
      }
    } else {
      // more minutes than slots: the buckets in range, found in the table, sorted by time
      long[] found = new long[16];
      int m = 0;
      for (int i = 0; i < keys.length; i++) {
        if (values[i] != null && keys[i] >= from && keys[i] <= to) {
          if (m == found.length) {
            found = Arrays.copyOf(found, m * 2);
          }
          found[m++] = keys[i];
        }
      }
      Arrays.sort(found, 0, m);
      for (int j = 0; j < m; j++) {
        int[] b = values[find(found[j])];
        out = append(out, n, b);
        n += b[0];
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static int[] append(int[] out, int n, int[] bucket) {
    int size = bucket[0];
    if (n + size > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, n + size));
    }
    System.arraycopy(bucket, 1, out, n, size);
    return out;
  }

  /**
   * Replaces the contents with {@code n} codes and their times, each bucket built in one go (a
   * rebuild's million events would otherwise grow their buckets one code at a time). Reorders both
   * arrays.
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
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || bucket(millis[i]) != bucket(millis[i - 1])) {
        distinct++;
      }
    }
    presize(distinct);
    int i = 0;
    while (i < n) {
      long k = bucket(millis[i]);
      int j = i + 1;
      while (j < n && bucket(millis[j]) == k) {
        j++;
      }
      put(k, bucketOf(codes, i, j));
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
    int distinct = 0;
    for (int b = 0; b < span; b++) {
      distinct += start[b + 1] > 0 ? 1 : 0;
      start[b + 1] += start[b];
    }
    int[] at = Arrays.copyOf(start, span);
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[at[(int) (bucket(millis[i]) - lo)]++] = codes[i];
    }
    presize(distinct);
    for (int b = 0; b < span; b++) {
      int from = start[b];
      int to = start[b + 1];
      if (from < to) {
        put(lo + b, bucketOf(sorted, from, to));
      }
    }
    size = n;
  }

  /** A bucket of {@code codes[from, to)}, with room for one more (most buckets grow by few). */
  private static int[] bucketOf(int[] codes, int from, int to) {
    int[] b = new int[to - from + 2];
    b[0] = to - from;
    System.arraycopy(codes, from, b, 1, to - from);
    return b;
  }

  /** Makes room for {@code n} buckets in an empty table. */
  private void presize(int n) {
    int capacity = MIN_CAPACITY;
    while (n * 3L > capacity * 2L) {
      capacity *= 2;
    }
    if (capacity != keys.length) {
      keys = new long[capacity];
      values = new int[capacity][];
    }
  }

  long size() {
    return size;
  }

  void clear() {
    keys = new long[MIN_CAPACITY];
    values = new int[MIN_CAPACITY][];
    buckets = 0;
    size = 0;
  }
}
