package io.cxexporter.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares two KPI snapshots series by series: the differential check between an engine under test
 * and the full-scan oracle (a fresh {@link KpiEngine#load} of the latest versions).
 *
 * <pre>{@code
 * KpiOracle.assertSameSnapshot(incremental.compute(), oracle.compute(), "seed=42 step=17");
 * }</pre>
 *
 * <p>Every series of {@link KpiSnapshot#series()} and {@link KpiSnapshot#tagSeries()} (the {@code
 * cx_kpi_*} values and the gauges the snapshot carries: backlog, oldest open, at-risk, ...) must be
 * present in both with the same name and labels and the same value, bit for bit ({@code NaN} equals
 * {@code NaN}); only a {@code stat="mean"} value may differ by a relative 1e-12, the last bits of a
 * sum taken in another order.
 */
final class KpiOracle {
  /** The relative difference a {@code stat="mean"} value may have. */
  static final double MEAN_TOLERANCE = 1e-12;

  private KpiOracle() {}

  /**
   * Fails with every differing series, each named with its labels, under {@code context} (put the
   * seed there so the failure reproduces).
   */
  static void assertSameSnapshot(KpiSnapshot actual, KpiSnapshot expected, String context) {
    List<String> diffs = differences(actual, expected);
    assertThat(diffs)
        .as("%s: snapshot differs from the oracle (%d differences)", context, diffs.size())
        .isEmpty();
  }

  /** Every difference of {@code actual} from the oracle's {@code expected}, one line each. */
  static List<String> differences(KpiSnapshot actual, KpiSnapshot expected) {
    List<String> diffs = new ArrayList<>();
    if (!actual.at().equals(expected.at())) {
      diffs.add("at: " + actual.at() + " vs oracle " + expected.at());
    }
    diff("series", actual.series(), expected.series(), diffs);
    diff("tagSeries", actual.tagSeries(), expected.tagSeries(), diffs);
    return diffs;
  }

  private static void diff(
      String part, List<KpiSeries> actual, List<KpiSeries> expected, List<String> out) {
    Map<String, KpiSeries> a = byKey(part, actual, out);
    Map<String, KpiSeries> e = byKey(part, expected, out);
    for (String key : new TreeSet<>(union(a, e))) {
      KpiSeries x = a.get(key);
      KpiSeries y = e.get(key);
      if (x == null) {
        out.add(part + " missing " + key + " (oracle " + y.value() + ")");
      } else if (y == null) {
        out.add(part + " extra " + key + " = " + x.value());
      } else if (!same(x, y)) {
        out.add(part + " " + key + ": " + x.value() + " vs oracle " + y.value());
      }
    }
  }

  private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
    java.util.Set<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
  }

  static boolean same(KpiSeries x, KpiSeries y) {
    double p = x.value();
    double q = y.value();
    if (Double.compare(p, q) == 0) {
      return true;
    }
    if (!"mean".equals(x.label("stat")) || Double.isNaN(p) || Double.isNaN(q)) {
      return false;
    }
    return Math.abs(p - q) <= MEAN_TOLERANCE * Math.max(Math.abs(p), Math.abs(q));
  }

  private static Map<String, KpiSeries> byKey(String part, List<KpiSeries> list, List<String> out) {
    Map<String, KpiSeries> m = new TreeMap<>();
    for (KpiSeries s : list) {
      StringBuilder k = new StringBuilder(s.name()).append('{');
      for (int i = 0; i < s.labelNames().size(); i++) {
        k.append(i == 0 ? "" : ",").append(s.labelNames().get(i)).append('=');
        k.append('"').append(s.labelValues().get(i)).append('"');
      }
      String key = k.append('}').toString();
      if (m.put(key, s) != null) {
        out.add(part + " duplicate " + key);
      }
    }
    return m;
  }
}
