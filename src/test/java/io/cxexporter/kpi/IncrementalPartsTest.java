package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The incremental engine's parts against the obvious models: {@link SortedLongs} against a sorted
 * list, {@link ExactSum} against exact BigDecimal sums, {@link IntCounts} against a map, {@link
 * TimeBuckets} against a list.
 */
class IncrementalPartsTest {
  @Test
  void sortedLongsSelectsWhatASortedListSelects() {
    SplittableRandom r = new SplittableRandom(17);
    for (int run = 0; run < 20; run++) {
      SortedLongs s = new SortedLongs();
      List<Long> model = new ArrayList<>();
      if (run % 3 != 0) {
        long[] start = new long[r.nextInt(3000)];
        for (int i = 0; i < start.length; i++) {
          start[i] = r.nextLong(-50, 500);
          model.add(start[i]);
        }
        Arrays.sort(start);
        for (long v : start) {
          s.append(v); // a rebuild's way: ascending appends
        }
      }
      for (int op = 0; op < 20_000; op++) {
        long v = r.nextLong(-50, 500); // many duplicates, spanning chunks
        if (r.nextInt(5) < 3 || model.isEmpty()) {
          s.add(v);
          model.add(v);
        } else {
          boolean had = model.remove(Long.valueOf(v));
          assertThat(s.remove(v)).isEqualTo(had);
        }
        if (op % 97 == 0) {
          Collections.sort(model);
          assertThat(s.size()).isEqualTo(model.size());
          for (int i = 0; i < model.size(); i += 1 + r.nextInt(50)) {
            assertThat(s.select(i)).isEqualTo(model.get(i));
          }
          if (!model.isEmpty()) {
            assertThat(s.select(model.size() - 1)).isEqualTo(model.get(model.size() - 1));
          }
        }
      }
    }
  }

  @Test
  void sortedLongsSelectsRightAfterEveryChangeBetweenTwoRanks() {
    // a refresh's way: a change or a few, then p50 and p90, so the select cursors follow every
    // split, merge and drop of a chunk (values narrow: many duplicates and emptied chunks)
    SplittableRandom r = new SplittableRandom(29);
    for (int run = 0; run < 12; run++) {
      SortedLongs s = new SortedLongs();
      List<Long> model = new ArrayList<>();
      long range = run % 2 == 0 ? 40 : 5000;
      for (int op = 0; op < 30_000; op++) {
        long v = r.nextLong(range);
        int kind = r.nextInt(10);
        if (kind < 2 && (model.isEmpty() || v >= model.get(model.size() - 1))) {
          s.append(v);
          model.add(v);
        } else if (kind < 6 - (op / 10_000) * 2) { // grows, then shrinks to nothing and back
          s.add(v);
          int at = Collections.binarySearch(model, v);
          model.add(at < 0 ? -at - 1 : at, v);
        } else {
          boolean had = model.remove(Long.valueOf(v));
          assertThat(s.remove(v)).isEqualTo(had);
        }
        if (model.isEmpty()) {
          continue;
        }
        int n = model.size();
        for (double q : new double[] {0.5, 0.9, r.nextDouble()}) {
          int i = Math.min(n - 1, (int) (q * n));
          assertThat(s.select(i))
              .as("run %d op %d rank %d of %d", run, op, i, n)
              .isEqualTo(model.get(i));
        }
      }
    }
  }

  @Test
  void aSelectCursorPastTheLastChunkCountsWhatIsAppendedBeforeIt() {
    SortedLongs s = new SortedLongs();
    for (long v = 0; v < 3 * SortedLongs.CHUNK; v++) {
      s.append(v); // three full chunks
    }
    assertThat(s.select(300)).isEqualTo(300); // a cursor on the third chunk
    assertThat(s.select(10)).isEqualTo(10); // the other on the first
    s.remove(2 * SortedLongs.CHUNK - 1); // the second chunk has room again
    for (long v = 2 * SortedLongs.CHUNK; v < 3 * SortedLongs.CHUNK; v++) {
      s.remove(v); // the third chunk empties and goes: its cursor is past the end
    }
    s.append(1000); // into the second chunk, before that cursor
    s.append(1001); // a new third chunk, where that cursor points again
    assertThat(s.select(2 * SortedLongs.CHUNK - 1)).isEqualTo(1000);
    assertThat(s.select(2 * SortedLongs.CHUNK)).isEqualTo(1001);
  }

  @Test
  void radixSortsSortAsArraysSortDoes() {
    SplittableRandom r = new SplittableRandom(4);
    // both ways of sorting: merging below SortedLongs.RADIX_MIN values, radix from it on
    for (int n :
        new int[] {
          0, 1, 2, 15, 16, 17, 100, 5000, SortedLongs.RADIX_MIN - 1, SortedLongs.RADIX_MIN, 70_000
        }) {
      long[] a = new long[n];
      int[] p = new int[n];
      for (int i = 0; i < n; i++) {
        a[i] =
            switch (r.nextInt(4)) {
              case 0 -> r.nextLong();
              case 1 -> SortedLongs.key(r.nextInt(5)); // many equal keys: the sort must be stable
              default -> SortedLongs.key(r.nextDouble() * 1e6 - 10);
            };
        p[i] = i;
      }
      long[] expected = a.clone();
      Arrays.sort(expected);
      long[] pairs = a.clone();
      SortedLongs.sortPairs(pairs, p, n);
      assertThat(pairs).isEqualTo(expected);
      for (int i = 0; i < n; i++) {
        assertThat(a[p[i]]).isEqualTo(pairs[i]); // the payload moved along
        if (i > 0 && pairs[i] == pairs[i - 1]) {
          assertThat(p[i]).isGreaterThan(p[i - 1]); // equal keys in their first order
        }
      }
    }
  }

  @Test
  void keysOrderDoublesAsDoubleCompareDoes() {
    double[] v = {-0.0, 0.0, Double.MIN_VALUE, 1e-300, 0.001, 1, 1.5, 3600, 1e12, -1, -1e-9};
    for (double a : v) {
      assertThat(SortedLongs.value(SortedLongs.key(a))).isEqualTo(a);
      for (double b : v) {
        assertThat(Long.signum(Long.compare(SortedLongs.key(a), SortedLongs.key(b))))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(Double.compare(a, b)));
      }
    }
    assertThat(Double.doubleToRawLongBits(SortedLongs.value(SortedLongs.key(-0.0))))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void exactSumForgetsRemovedValuesCompletely() {
    SplittableRandom r = new SplittableRandom(5);
    long[] sums = new long[2];
    List<Double> kept = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      double v = r.nextInt(4) == 0 ? r.nextDouble() * 1e9 : r.nextLong(1, 10_000_000) / 1000.0;
      ExactSum.add(sums, 0, v);
      kept.add(v);
    }
    // all but three leave again, in another order: the sum is theirs exactly
    Collections.shuffle(kept, new java.util.Random(9));
    for (int i = 3; i < kept.size(); i++) {
      ExactSum.remove(sums, 0, kept.get(i));
    }
    java.math.BigDecimal exact =
        new java.math.BigDecimal(kept.get(0))
            .add(new java.math.BigDecimal(kept.get(1)))
            .add(new java.math.BigDecimal(kept.get(2)));
    assertThat(ExactSum.get(sums, 0)).isEqualTo(exact.doubleValue());
    for (int i = 0; i < 3; i++) {
      ExactSum.remove(sums, 0, kept.get(i));
    }
    assertThat(sums).containsExactly(0, 0);
    // negative values (a CES scale may start below zero) and zeros
    ExactSum.add(sums, 0, -2.5);
    ExactSum.add(sums, 0, 0.0);
    ExactSum.add(sums, 0, 1.25);
    assertThat(ExactSum.get(sums, 0)).isEqualTo(-1.25);
  }

  @Test
  void intCountsCountsDistinctKeysAboveZero() {
    SplittableRandom r = new SplittableRandom(3);
    IntCounts c = new IntCounts();
    Map<Integer, Integer> model = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      int k = r.nextInt(300);
      int d = r.nextInt(3) == 0 ? -1 : 1;
      if (d < 0 && model.getOrDefault(k, 0) == 0) {
        continue; // the engine never removes what it did not add
      }
      c.add(k, d);
      model.merge(k, d, Integer::sum);
      if (i % 101 == 0) {
        assertThat(c.distinct())
            .isEqualTo((int) model.values().stream().filter(x -> x > 0).count());
      }
    }
  }

  @Test
  void timeBucketsHandOutEveryCodeOfTheRange() {
    TimeBuckets b = new TimeBuckets();
    SplittableRandom r = new SplittableRandom(8);
    Map<Integer, Long> model = new HashMap<>();
    for (int code = 0; code < 5000; code++) {
      long t = r.nextLong(-10 * TimeBuckets.WIDTH_MS, 500 * TimeBuckets.WIDTH_MS);
      b.add(t, code);
      model.put(code, t);
    }
    for (int code = 0; code < 5000; code += 3) {
      assertThat(b.remove(model.get(code), code)).isTrue();
      model.remove(code);
    }
    assertThat(b.remove(0, 0)).isFalse();
    // a rebuild loads the same contents at once
    TimeBuckets loaded = new TimeBuckets();
    long[] times = new long[model.size()];
    int[] codes = new int[model.size()];
    int k = 0;
    for (Map.Entry<Integer, Long> e : model.entrySet()) {
      times[k] = e.getValue();
      codes[k++] = e.getKey();
    }
    loaded.load(times, codes, k);
    assertThat(loaded.size()).isEqualTo(model.size());
    for (Map.Entry<Integer, Long> e : model.entrySet()) {
      assertThat(loaded.copy(e.getValue(), e.getValue())).contains(e.getKey());
    }
    assertThat(loaded.remove(times[0], codes[0])).isTrue();
    loaded.add(times[0], codes[0]);
    assertThat(b.size()).isEqualTo(model.size());
    for (int i = 0; i < 200; i++) {
      long from = r.nextLong(-20 * TimeBuckets.WIDTH_MS, 520 * TimeBuckets.WIDTH_MS);
      long to = from + r.nextLong(30 * TimeBuckets.WIDTH_MS);
      List<Integer> got = new ArrayList<>();
      for (int code : b.copy(from, to)) {
        got.add(code);
      }
      for (Map.Entry<Integer, Long> e : model.entrySet()) {
        if (e.getValue() >= from && e.getValue() <= to) {
          assertThat(got).contains(e.getKey());
        }
        if (got.contains(e.getKey())) {
          // a code outside the range only shares a bucket with it
          assertThat(TimeBuckets.bucket(e.getValue()))
              .isBetween(TimeBuckets.bucket(from), TimeBuckets.bucket(to));
        }
      }
    }
  }

  @Test
  void timeBucketsMatchASortedModelUnderChurn() {
    // sparse and far-apart times, so buckets are created and emptied all the time (the table's
    // backward-shift deletion and resizing), compared in order with a sorted model that removes as
    // the old TreeMap buckets did (the last code takes the removed one's place)
    SplittableRandom r = new SplittableRandom(18);
    TimeBuckets b = new TimeBuckets();
    java.util.TreeMap<Long, List<Integer>> model = new java.util.TreeMap<>();
    List<long[]> held = new ArrayList<>();
    for (int step = 0; step < 60_000; step++) {
      if (held.isEmpty() || r.nextInt(100) < 55) {
        long t =
            switch (r.nextInt(4)) {
              case 0 -> r.nextLong(-5 * TimeBuckets.WIDTH_MS, 5 * TimeBuckets.WIDTH_MS);
              case 1 -> r.nextLong(0, 2_000 * TimeBuckets.WIDTH_MS);
              case 2 ->
                  r.nextLong(-4_000_000L * TimeBuckets.WIDTH_MS, 4_000_000L * TimeBuckets.WIDTH_MS);
              default -> r.nextLong(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2);
            };
        int code = r.nextInt(50);
        b.add(t, code);
        model.computeIfAbsent(TimeBuckets.bucket(t), k -> new ArrayList<>()).add(code);
        held.add(new long[] {t, code});
      } else {
        long[] e = held.remove(r.nextInt(held.size()));
        assertThat(b.remove(e[0], (int) e[1])).isTrue();
        List<Integer> codes = model.get(TimeBuckets.bucket(e[0]));
        int at = codes.indexOf((int) e[1]);
        codes.set(at, codes.get(codes.size() - 1));
        codes.remove(codes.size() - 1);
        if (codes.isEmpty()) {
          model.remove(TimeBuckets.bucket(e[0]));
        }
      }
      if (step % 97 == 0) {
        assertThat(b.size()).isEqualTo(held.size());
        long from;
        long to;
        if (r.nextBoolean() && !held.isEmpty()) {
          from = held.get(r.nextInt(held.size()))[0] - r.nextLong(100 * TimeBuckets.WIDTH_MS);
          to = from + r.nextLong(300 * TimeBuckets.WIDTH_MS);
        } else {
          from = r.nextBoolean() ? Long.MIN_VALUE : r.nextLong(Long.MIN_VALUE / 2, 0);
          to = r.nextBoolean() ? Long.MAX_VALUE : r.nextLong(0, Long.MAX_VALUE / 2);
        }
        List<Integer> expected = new ArrayList<>();
        model
            .subMap(TimeBuckets.bucket(from), true, TimeBuckets.bucket(to), true)
            .values()
            .forEach(expected::addAll);
        assertThat(b.copy(from, to))
            .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    assertThat(b.remove(1, 99)).isFalse();
  }
}
