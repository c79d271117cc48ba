package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the KPI snapshot off the scrape path: soon after a sync changed records (changes
 * within a second are coalesced into one refresh) and every {@code kpi.refresh_interval}
 * regardless, because windows move with time. Swaps the result in atomically.
 */
public final class KpiPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KpiPublisher.class);

  private final KpiEngine kpi;
  private final TransitionMetrics transitions;
  private final SnapshotCollector collector;
  private final SelfMetrics self;
  private final Clock clock;
  private final Duration interval;
  private final AtomicBoolean dirty = new AtomicBoolean(true);
  private final AtomicReference<KpiSnapshot> latest = new AtomicReference<>(KpiSnapshot.EMPTY);
  private volatile Instant lastRefresh = Instant.EPOCH;
  private ScheduledExecutorService executor;

  public KpiPublisher(
      KpiEngine kpi,
      TransitionMetrics transitions,
      SnapshotCollector collector,
      SelfMetrics self,
      Clock clock,
      Duration interval) {
    this.kpi = kpi;
    this.transitions = transitions;
    this.collector = collector;
    this.self = self;
    this.clock = clock;
    this.interval = interval;
  }

  /** Records changed: refresh within about a second. */
  public void markDirty() {
    dirty.set(true);
  }

  /** The last computed snapshot. */
  public KpiSnapshot latest() {
    return latest.get();
  }

  /** Counts time-driven transitions (SLA breaches), recomputes and publishes the snapshot now. */
  public synchronized KpiSnapshot refresh() {
    dirty.set(false);
    long t0 = System.nanoTime();
    transitions.initialize(kpi.drainNewLabels());
    transitions.record(kpi.tick());
    KpiSnapshot s = kpi.compute();
    collector.update(s);
    latest.set(s);
    lastRefresh = clock.instant();
    self.snapshotDuration.set((System.nanoTime() - t0) / 1e9);
    self.snapshotTimestamp.set(s.at().toEpochMilli() / 1000.0);
    return s;
  }

  /** Starts the background refresh. */
  public void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cx-kpi");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::maybeRefresh, 0, 1, TimeUnit.SECONDS);
  }

  private void maybeRefresh() {
    try {
      if (dirty.get() || !clock.instant().isBefore(lastRefresh.plus(interval))) {
        refresh();
      }
    } catch (RuntimeException e) {
      LOG.error("KPI refresh failed; the previous snapshot stays served", e);
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
