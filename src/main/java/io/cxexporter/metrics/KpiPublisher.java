package io.cxexporter.metrics;

import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.model.Record;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
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
  private final Object newLabelsLock = new Object();
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

  /**
   * Creates, at 0, the counter and histogram series of every label combination the KPI engine
   * learned since the last call. The sync loop calls it after each page the engine applied and
   * before it counts that page's transitions, so a combination first seen live is exposed at 0
   * before its first increase (a series born at 1 hides that increase from {@code rate()}).
   *
   * <p>Draining and creating happen under one lock: a caller that finds nothing new to drain
   * because another caller drained it first waits until those series exist, so whoever counts next
   * finds them.
   */
  public void initializeNewLabels() {
    synchronized (newLabelsLock) {
      transitions.initialize(kpi.drainNewLabels());
    }
  }

  /**
   * Learns one source from its stored records, as history (nothing counted), and refreshes soon: a
   * connector a reload added or restarted. The other sources are not rebuilt. Call before the
   * source's sync starts.
   *
   * <pre>{@code
   * publisher.load("acme", action -> store.forEach("acme", action));
   * }</pre>
   *
   * @return how many records were read
   * @see KpiEngine#load
   */
  public long load(String source, Consumer<BiConsumer<String, Record>> records) {
    long n = kpi.load(source, records);
    markDirty();
    return n;
  }

  /**
   * Forgets one source (a connector a reload removed): its KPI series are gone from the next
   * snapshot; call {@link #refresh()} to publish it now. Call after the source's sync stopped.
   *
   * @see KpiEngine#drop
   */
  public void drop(String source) {
    kpi.drop(source);
    markDirty();
  }

  /** Counts time-driven transitions (SLA breaches), recomputes and publishes the snapshot now. */
  public synchronized KpiSnapshot refresh() {
    dirty.set(false);
    long t0 = System.nanoTime();
    initializeNewLabels();
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
      try {
        // a refresh in progress ends before the next pipeline's first one, never after it
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
