package io.cxexporter.sync;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.Stream;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.Transition;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.store.Store;
import io.cxexporter.util.HttpCalls;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules every stream of every connector: a sync pass, then {@code poll_interval} of rest; a
 * failed pass is retried with backoff and never takes the process down. The first pass of a new
 * stream is its backfill.
 *
 * <p>Fair by construction: all streams share a pool of at most {@value #MAX_THREADS} threads, and a
 * pass runs as one task per page ({@link StreamRunner#step()}). After each page that is not caught
 * up the stream re-queues its next page with {@code execute}, which makes it due now; the pool's
 * queue runs due tasks in the order they became due (FIFO among equal times), so the next page
 * waits behind every poll, retry, check and other stream's page already waiting. Thirty backfilling
 * streams take turns page by page, and a stream that has one page to read waits for the tasks
 * queued ahead of it (at most one page of each other stream), never for another stream's whole
 * backfill.
 *
 * <pre>{@code
 * SyncEngine sync = new SyncEngine(
 *     store, kpi, publisher::initializeNewLabels, metrics::record, publisher::markDirty, self, clock);
 * sync.add(connector, "demo", Duration.ofSeconds(15));
 * sync.start();
 * }</pre>
 */
public final class SyncEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

  /** At most this many pages are read (or checks run) at once, however many streams there are. */
  static final int MAX_THREADS = 4;

  private final Store store;
  private final KpiEngine kpi;
  private final Runnable newLabels;
  private final Consumer<List<Transition>> transitions;
  private final Runnable onChange;
  private final SelfMetrics metrics;
  private final Clock clock;
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private ScheduledExecutorService executor;

  private record Source(
      Connector connector, String type, Duration poll, List<StreamRunner> runners) {}

  private final Generation generation = new Generation();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final Map<String, CheckResult> checks = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * An engine with no connectors yet.
   *
   * @param newLabels run after each page the KPI engine applied, before its transitions are handed
   *     over: creates the zero series of the label combinations the KPI engine just learned, so a
   *     counter never appears at 1 ({@code KpiPublisher::initializeNewLabels})
   * @param transitions counts the live transitions of each page ({@code TransitionMetrics::record})
   * @param onChange run after a page changed records or the KPI state was reloaded
   */
  public SyncEngine(
      Store store,
      KpiEngine kpi,
      Runnable newLabels,
      Consumer<List<Transition>> transitions,
      Runnable onChange,
      SelfMetrics metrics,
      Clock clock) {
    this.store = store;
    this.kpi = kpi;
    this.newLabels = newLabels;
    this.transitions = transitions;
    this.onChange = onChange;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Adds a connector; call before {@link #start()}. */
  public void add(Connector connector, String type, Duration pollInterval) {
    boolean hadData = store.has(connector.name());
    List<StreamRunner> runners = new ArrayList<>();
    for (Stream s : connector.streams()) {
      runners.add(
          new StreamRunner(
              connector.name(),
              type,
              s,
              store,
              kpi,
              newLabels,
              transitions,
              onChange,
              () -> updateSourceHealth(connector.name()),
              metrics,
              clock,
              new Backoff(new Random()),
              hadData,
              generation));
    }
    sources.put(connector.name(), new Source(connector, type, pollInterval, runners));
    metrics.connectorUp.labelValues(connector.name()).set(1);
    metrics.unauthorized.labelValues(connector.name()).set(0);
    metrics.pollInterval.labelValues(connector.name()).set(pollInterval.toMillis() / 1000.0);
  }

  /** Starts every stream on its own schedule: each connector's check, then its streams' passes. */
  public synchronized void start() {
    int streams = sources.values().stream().mapToInt(s -> s.runners().size()).sum();
    ScheduledThreadPoolExecutor ex =
        new ScheduledThreadPoolExecutor(
            Math.max(1, Math.min(MAX_THREADS, streams)),
            r -> {
              Thread t = new Thread(r, "cx-sync");
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
    ex.setRemoveOnCancelPolicy(true);
    executor = ex;
    for (Source s : sources.values()) {
      executor.execute(() -> check(s));
      for (StreamRunner r : s.runners()) {
        executor.execute(() -> step(s, r));
      }
    }
  }

  private void check(Source s) {
    CheckResult c;
    try {
      c = s.connector().check();
    } catch (RuntimeException e) {
      c = CheckResult.failed(e.toString());
    }
    CheckResult result = c;
    generation.write(
        () -> {
          checks.put(s.connector().name(), result);
          if (result.ok()) {
            LOG.info("{}: check ok: {}", s.connector().name(), result.message());
          } else {
            LOG.warn("{}: check failed: {}", s.connector().name(), result.message());
          }
        });
  }

  /**
   * Runs one step of a stream and queues its next one: the next page at once (behind whatever is
   * waiting), or the next pass after {@code poll_interval} or the backoff. Exactly one step of a
   * stream is queued or running at any time.
   */
  private void step(Source s, StreamRunner r) {
    if (closed) {
      return;
    }
    StreamRunner.Step next = r.step();
    if (closed) {
      return;
    }
    try {
      if (next.more()) {
        executor.execute(() -> step(s, r));
      } else {
        Duration wait = next.retry() == null ? s.poll() : next.retry();
        executor.schedule(() -> step(s, r), wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  /** Up and freshness of a source, after each page read or failure of any of its streams. */
  private void updateSourceHealth(String name) {
    generation.write(() -> writeSourceHealth(name));
  }

  private void writeSourceHealth(String name) {
    Source s = sources.get(name);
    if (s == null) {
      return;
    }
    boolean up = s.runners().stream().allMatch(StreamRunner::lastAttemptOk);
    metrics.connectorUp.labelValues(s.connector().name()).set(up ? 1 : 0);
    boolean denied = s.runners().stream().anyMatch(StreamRunner::unauthorized);
    metrics.unauthorized.labelValues(s.connector().name()).set(denied ? 1 : 0);
    Instant oldest = null;
    for (StreamRunner r : s.runners()) {
      Instant t = r.lastSuccess();
      if (t == null) {
        return;
      }
      oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
    }
    if (oldest != null) {
      metrics.lastSuccess.labelValues(s.connector().name()).set(oldest.toEpochMilli() / 1000.0);
    }
  }

  /**
   * Ready once every stream finished its backfill once, or is in it with data already (from this
   * run or stored by an earlier one).
   */
  public boolean ready() {
    return sources.values().stream()
        .flatMap(s -> s.runners().stream())
        .allMatch(StreamRunner::ready);
  }

  /** The state of every stream, in config order. */
  public List<StreamStatus> status() {
    List<StreamStatus> out = new ArrayList<>();
    for (Source s : sources.values()) {
      for (StreamRunner r : s.runners()) {
        out.add(r.status());
      }
    }
    return out;
  }

  /** The last {@code check()} result of a source, or null before it ran. */
  public CheckResult check(String source) {
    return checks.get(source);
  }

  /** Whether the last read of every stream of each connector succeeded, by connector name. */
  public Map<String, Boolean> connectorsUp() {
    Map<String, Boolean> m = new LinkedHashMap<>();
    sources.forEach((k, v) -> m.put(k, v.runners().stream().allMatch(StreamRunner::lastAttemptOk)));
    return m;
  }

  /** A link to a ticket in its vendor's UI, or null. */
  public String ticketUrl(String source, String ticketId) {
    Source s = sources.get(source);
    return s == null ? null : s.connector().ticketUrl(ticketId);
  }

  /** The configured connectors by name with their type. */
  public Map<String, String> types() {
    Map<String, String> m = new LinkedHashMap<>();
    sources.forEach((k, v) -> m.put(k, v.type()));
    return m;
  }

  /** The run this engine's writes belong to; a connector's request metrics go through it too. */
  public Generation generation() {
    return generation;
  }

  /** Stops within 10 s; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * Stops the run: ends its {@link Generation} (waiting for a page being committed, then refusing
   * every later write), interrupts its sleeps and backoffs, cancels the vendor requests in flight
   * on its threads, waits up to {@code timeout} for the threads and closes the connectors. A page
   * being read is never committed, so its stream's cursor stays before it and the next run reads it
   * again. A thread still busy after {@code timeout} (a connector that ignores both interrupt and
   * cancel) is left behind, unable to write.
   */
  public synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    generation.end();
    if (executor != null) {
      executor.shutdownNow();
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        // cancel again until the threads are gone: a thread interrupted between two requests may
        // start one more, which no interrupt reaches
        do {
          HttpCalls.cancelOn(threads);
        } while (!executor.awaitTermination(20, TimeUnit.MILLISECONDS)
            && System.nanoTime() - deadline < 0);
        if (!executor.isTerminated()) {
          LOG.info(
              "sync threads still busy after {} ms; left behind, they can no longer write",
              timeout.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Source s : sources.values()) {
      s.connector().close();
    }
  }
}
