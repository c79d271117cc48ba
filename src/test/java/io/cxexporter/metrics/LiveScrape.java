package io.cxexporter.metrics;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.Transition;
import io.cxexporter.model.Record;
import io.cxexporter.store.Change;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The {@code /metrics} text after {@code records} of one source arrive live (counters count them)
 * at {@code now}: a KPI engine on {@code config}, the transition metrics (with {@code tag} when
 * {@code kpi.tags} is set) and the snapshot collector in a fresh registry.
 */
final class LiveScrape {
  private LiveScrape() {}

  static String after(KpiConfig config, Instant now, String source, List<? extends Record> records)
      throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    KpiEngine engine = new KpiEngine(config, new MutableClock(now));
    TransitionMetrics metrics =
        TransitionMetrics.register(registry, config.dimensions(), config.tags() != null);
    SnapshotCollector collector = SnapshotCollector.register(registry);
    List<Transition> t =
        engine.apply(
            source, records.stream().map(r -> new Change("tickets", null, r)).toList(), true);
    metrics.initialize(engine.drainNewLabels());
    metrics.record(t);
    collector.update(engine.compute());
    return text(registry);
  }

  /** What {@code registry} serves as Prometheus text (0.0.4, no created timestamps). */
  static String text(PrometheusRegistry registry) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
