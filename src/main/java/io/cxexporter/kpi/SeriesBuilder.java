package io.cxexporter.kpi;

import java.util.ArrayList;
import java.util.List;

/** Collects snapshot series; skips NaN values (an undefined KPI is absent, not NaN). */
final class SeriesBuilder {
  final List<KpiSeries> series = new ArrayList<>();

  void add(String name, List<String> names, List<String> values, double value) {
    if (!Double.isNaN(value)) {
      series.add(new KpiSeries(name, List.copyOf(names), List.copyOf(values), value));
    }
  }

  /** Labels: {@code source}, then an optional dimension, then the extra pairs. */
  static List<List<String>> labels(String source, String dim, String dimValue, String... extra) {
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    names.add("source");
    values.add(source);
    if (dim != null) {
      names.add(dim);
      values.add(dimValue);
    }
    for (int i = 0; i + 1 < extra.length; i += 2) {
      names.add(extra[i]);
      values.add(extra[i + 1]);
    }
    return List.of(names, values);
  }
}
