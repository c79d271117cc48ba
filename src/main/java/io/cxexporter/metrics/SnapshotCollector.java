package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Serves the last computed {@link KpiSnapshot} as gauges. The conversion happens once per refresh
 * in {@link #update}; a scrape only hands out the prepared {@link MetricSnapshots}, so its cost is
 * O(series) and it never waits on a vendor API. No sample timestamps.
 *
 * <p>The snapshot is immutable, so its text is too: {@link ScrapeHandler} asks for it rendered once
 * per exposition format and escaping scheme ({@link Prepared#blocks}), and each later {@link
 * #update} renders again what scrapes asked for, off the scrape path.
 */
public final class SnapshotCollector implements MultiCollector {
  /** The collector registered with each registry, for {@link ScrapeHandler}. */
  private static final Map<PrometheusRegistry, SnapshotCollector> REGISTERED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final AtomicReference<Prepared> current =
      new AtomicReference<>(new Prepared(MetricSnapshots.of()));

  private SnapshotCollector() {}

  /** Registers a collector that serves nothing until the first {@link #update}. */
  public static SnapshotCollector register(PrometheusRegistry registry) {
    SnapshotCollector c = new SnapshotCollector();
    registry.register(c);
    REGISTERED.put(registry, c);
    return c;
  }

  /** The collector {@link #register} put into {@code registry}, or null. */
  static SnapshotCollector registeredIn(PrometheusRegistry registry) {
    return REGISTERED.get(registry);
  }

  /** Converts and swaps in a new snapshot, rendered in every format scrapes asked for so far. */
  public void update(KpiSnapshot snapshot) {
    Prepared next = new Prepared(convert(snapshot));
    for (Map.Entry<List<Object>, ExpositionFormatWriter> e : current.get().writers.entrySet()) {
      next.blocks(e.getValue(), (EscapingScheme) e.getKey().get(1));
    }
    current.set(next);
  }

  @Override
  public MetricSnapshots collect() {
    return current.get().snapshots;
  }

  /** The current snapshot with its rendered text. */
  Prepared prepared() {
    return current.get();
  }

  /** One snapshot's families and, once asked for, their text in a format and escaping scheme. */
  static final class Prepared {
    final MetricSnapshots snapshots;

    /** The families' names, as the registry sorts them. */
    final List<String> names = new ArrayList<>();

    final Set<String> nameSet = new HashSet<>();
    private final Map<List<Object>, byte[][]> rendered = new ConcurrentHashMap<>();

    /** By writer class: the family text of gauges without exemplars has no writer settings. */
    private final Map<List<Object>, ExpositionFormatWriter> writers = new ConcurrentHashMap<>();

    Prepared(MetricSnapshots snapshots) {
      this.snapshots = snapshots;
      for (MetricSnapshot s : snapshots) {
        names.add(s.getMetadata().getPrometheusName());
      }
      nameSet.addAll(names);
    }

    /** How many format and escaping combinations are rendered. */
    int renderedCount() {
      return rendered.size();
    }

    /** Each family's text, in {@link #names} order, without the OpenMetrics {@code # EOF}. */
    byte[][] blocks(ExpositionFormatWriter writer, EscapingScheme scheme) {
      List<Object> key = List.of(writer.getClass(), scheme);
      writers.putIfAbsent(key, writer);
      return rendered.computeIfAbsent(
          key,
          k -> {
            byte[][] out = new byte[names.size()][];
            int i = 0;
            for (MetricSnapshot s : snapshots) {
              out[i++] = ScrapeHandler.render(writer, MetricSnapshots.of(s), scheme);
            }
            return out;
          });
    }
  }

  static MetricSnapshots convert(KpiSnapshot snapshot) {
    Map<String, List<GaugeSnapshot.GaugeDataPointSnapshot>> byName = new LinkedHashMap<>();
    List<KpiSeries> all = snapshot.series();
    if (!snapshot.tagSeries().isEmpty()) {
      all = new ArrayList<>(all);
      all.addAll(snapshot.tagSeries());
    }
    for (KpiSeries s : all) {
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

  /** The name (with prefix), HELP and unit of the snapshot gauge {@code name}. */
  static MetricMetadata metadata(String name) {
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
