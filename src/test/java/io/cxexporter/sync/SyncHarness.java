package io.cxexporter.sync;

import io.cxexporter.connector.Connector;
import io.cxexporter.connector.Stream;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.kpi.Transition;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.store.Store;
import io.cxexporter.store.StreamState;
import io.cxexporter.testing.Configs;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a real connector through the real sync path (store, KPI engine) synchronously, for connector
 * tests: one call reads every stream until it is caught up or fails.
 */
public final class SyncHarness implements AutoCloseable {
  public final Store store;
  public final KpiEngine kpi;
  public final List<Transition> transitions = new ArrayList<>();
  private final Map<String, StreamRunner> runners = new LinkedHashMap<>();
  private final Connector connector;
  private final SelfMetrics self;

  public SyncHarness(Path dir, Connector connector, Clock clock) {
    this.connector = connector;
    this.store = Store.open(dir, clock);
    this.kpi = new KpiEngine(Configs.kpi(), clock);
    long stored = kpi.load(connector.name(), each -> store.forEach(connector.name(), each));
    this.self = SelfMetrics.register(new PrometheusRegistry(), "test", "test");
    for (Stream s : connector.streams()) {
      runners.put(
          s.name(),
          new StreamRunner(
              connector.name(),
              "test",
              s,
              store,
              kpi,
              () -> {},
              transitions::addAll,
              () -> {},
              () -> {},
              self,
              clock,
              new Backoff(new SplittableRandom(7)),
              stored > 0,
              new Generation()));
    }
  }

  /** Syncs every stream once; returns the failures' waits by stream (empty when all caught up). */
  public Map<String, Duration> syncAll() {
    Map<String, Duration> failed = new LinkedHashMap<>();
    runners.forEach(
        (name, r) -> {
          Duration d = r.syncOnce();
          if (d != null) {
            failed.put(name, d);
          }
        });
    return failed;
  }

  /** Syncs one stream once; returns its failure's wait, or null when it caught up. */
  public Duration sync(String stream) {
    return runners.get(stream).syncOnce();
  }

  /** The last error of a stream, or null. */
  public String lastError(String stream) {
    return runners.get(stream).status().lastError();
  }

  /** {@code cx_connector_errors_total} of a stream and kind, e.g. {@code mapping}. */
  public double errors(String stream, String kind) {
    return self.errors.labelValues(connector.name(), stream, kind).get();
  }

  public StreamState state(String stream) {
    return store.state(connector.name(), stream);
  }

  public KpiSnapshot snapshot() {
    return kpi.compute();
  }

  @Override
  public void close() {
    connector.close();
    store.close();
  }
}
