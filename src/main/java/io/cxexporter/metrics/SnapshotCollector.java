package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves the last computed {@link KpiSnapshot} as gauges. The conversion happens once per refresh
 * in {@link #update}; a scrape only hands out the prepared {@link MetricSnapshots}, so its cost is
 * O(series) and it never waits on a vendor API. No sample timestamps.
 */
public final class SnapshotCollector implements MultiCollector {
  private final AtomicReference<MetricSnapshots> current =
      new AtomicReference<>(MetricSnapshots.of());

  private SnapshotCollector() {}

  /** Registers a collector that serves nothing until the first {@link #update}. */
  public static SnapshotCollector register(PrometheusRegistry registry) {
    SnapshotCollector c = new SnapshotCollector();
    registry.register(c);
    return c;
  }

  /** Converts and swaps in a new snapshot. */
  public void update(KpiSnapshot snapshot) {
    current.set(convert(snapshot));
  }

  @Override
  public MetricSnapshots collect() {
    return current.get();
  }

  static MetricSnapshots convert(KpiSnapshot snapshot) {
    Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> byName = new LinkedHashMap<>();
    for (KpiSeries s : snapshot.series()) {
      Labels.Builder lb = Labels.builder();
      for (int i = 0; i < s.labelNames().size(); i++) {
        lb.label(s.labelNames().get(i), s.labelValues().get(i));
      }
      byName
          .computeIfAbsent(s.name(), k -> new ArrayList<>())
          .add(new GaugeSnapshot.GaugeDataPointSnapshot(s.value(), lb.build(), null));
    }
    List<MetricSnapshot> out = new ArrayList<>();
    for (Map.Entry<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> e : byName.entrySet()) {
      out.add(new GaugeSnapshot(metadata(e.getKey()), e.getValue()));
    }
    return new MetricSnapshots(out);
  }

  private static MetricMetadata metadata(String name) {
    String full = MetricNames.PREFIX + name;
    String help;
    if (name.startsWith("kpi_") && !name.equals("kpi_target")) {
      help = MetricNames.kpiHelp(name.substring(4));
    } else {
      help = MetricNames.GAUGE_HELP.getOrDefault(name, name);
    }
    Unit unit =
        name.endsWith("_seconds") ? Unit.SECONDS : name.endsWith("_ratio") ? Unit.RATIO : null;
    return new MetricMetadata(full, help, unit);
  }
}
