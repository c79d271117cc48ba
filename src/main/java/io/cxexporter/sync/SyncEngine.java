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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules every stream of every connector: a sync pass, then {@code poll_interval} of rest; a
 * failed pass is retried with backoff and never takes the process down. The first pass of a new
 * stream is its backfill. Connectors may be added and removed while it runs ({@link #add}, {@link
 * #remove}): the others are not touched.
 *
 * <p>Bounded by construction: all streams share a pool of at most {@value #MAX_THREADS} threads,
 * and a pass runs as one task per page ({@link StreamRunner#step()}). A stream waiting for its next
 * poll or retry is a timer in the pool's queue, not a thread, so idle connectors hold none and a
 * thousand connectors still run on {@value #MAX_THREADS} threads. Three rules bound who runs:
 *
 * <ul>
 *   <li><b>One step per stream</b>: exactly one step of a stream is queued, waiting or running at
 *       any time; it queues its successor only when it ends.
 *   <li><b>Half the pool per connector</b>: at most {@value #MAX_PER_CONNECTOR} ({@code
 *       ceil(MAX_THREADS / 2)}) steps of one connector (its streams' pages and its check) run at
 *       once; a further one waits aside and re-joins the back of the queue when one of them ends. A
 *       vendor whose every request hangs until its timeout thus holds at most half the threads, and
 *       the other connectors keep the other half: one slow or failing vendor cannot starve them.
 *       (Two such vendors can hold every thread, until their requests time out.)
 *   <li><b>FIFO among the due</b>: after each page that is not caught up the stream re-queues its
 *       next page with {@code execute}, which makes it due now; the pool's queue runs due tasks in
 *       the order they became due, so the next page waits behind every poll, retry, check and other
 *       stream's page already waiting. Thirty backfilling streams take turns page by page, and a
 *       stream that has one page to read waits for the tasks queued ahead of it (at most one page
 *       of each other stream), never for another stream's whole backfill.
 * </ul>
 *
 * <pre>{@code
 * SyncEngine sync = new SyncEngine(
 *     store, kpi, publisher::initializeNewLabels, metrics::record, publisher::markDirty, self, clock);
 * sync.add(connector, "demo", Duration.ofSeconds(15));
 * sync.start();
 * sync.add(other, "demo", Duration.ofSeconds(15));   // starts at once
 * sync.remove("demo", Duration.ofSeconds(2));          // stops only that one
 * }</pre>
 */
public final class SyncEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

  /** At most this many pages are read (or checks run) at once, however many streams there are. */
  static final int MAX_THREADS = 4;

  /** At most this many steps of one connector run at once: {@code ceil(MAX_THREADS / 2)}. */
  static final int MAX_PER_CONNECTOR = (MAX_THREADS + 1) / 2;

  private final Store store;
  private final KpiEngine kpi;
  private final Runnable newLabels;
  private final Consumer<List<Transition>> transitions;
  private final Runnable onChange;
  private final SelfMetrics metrics;
  private final Clock clock;

  /** The running connectors in the order they were added; replaced whole on each change. */
  private volatile Map<String, Source> sources = Map.of();

  private ScheduledThreadPoolExecutor executor;

  /** One connector: its streams, its run ({@link Generation}) and the steps it is running. */
  private static final class Source {
    final Connector connector;
    final String type;
    final Duration poll;
    final Generation generation;
    final List<StreamRunner> runners = new ArrayList<>();

    /** The threads running one of its steps now. Guarded by {@code this}. */
    final Set<Thread> running = new HashSet<>();

    /** Steps due while {@link #MAX_PER_CONNECTOR} of its steps ran. Guarded by {@code this}. */
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

    /** Its steps waiting for a poll interval or a backoff. */
    final Set<Future<?>> timers = ConcurrentHashMap.newKeySet();

    volatile boolean stopped;

    Source(Connector connector, String type, Duration poll, Generation generation) {
      this.connector = connector;
      this.type = type;
      this.poll = poll;
      this.generation = generation;
    }
  }

  private final Generation generation = new Generation();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final Map<String, CheckResult> checks = new ConcurrentHashMap<>();

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

  /**
   * Adds a connector whose writes are gated by its own run, but whose request metrics are not; see
   * {@link #add(String, String, Duration, Function)}.
   */
  public void add(Connector connector, String type, Duration pollInterval) {
    add(connector.name(), type, pollInterval, run -> connector);
  }

  /**
   * Adds a connector: before {@link #start()} it starts with the others; after, its check and its
   * streams' first passes (a backfill when nothing is stored yet) are queued at once.
   *
   * @param create builds the connector, given the {@link Generation} that its writes go through and
   *     that {@link #remove} ends: its request metrics should go through it too, so a late answer
   *     of a removed connector cannot re-create its series
   * @throws IllegalArgumentException when a connector of that name runs already, or the created
   *     connector has another name
   */
  public void add(
      String name, String type, Duration pollInterval, Function<Generation, Connector> create) {
    Generation run = new Generation();
    Connector connector = create.apply(run);
    if (!connector.name().equals(name)) {
      throw new IllegalArgumentException(
          "connector " + name + " was created as " + connector.name());
    }
    Source s = new Source(connector, type, pollInterval, run);
    boolean hadData = store.has(name);
    for (Stream stream : connector.streams()) {
      s.runners.add(
          new StreamRunner(
              name,
              type,
              stream,
              store,
              kpi,
              newLabels,
              transitions,
              onChange,
              () -> run.write(() -> writeSourceHealth(s)),
              metrics,
              clock,
              new Backoff(new Random()),
              hadData,
              run));
    }
    synchronized (this) {
      if (closed || sources.containsKey(name)) {
        connector.close();
        if (closed) {
          return;
        }
        throw new IllegalArgumentException("connector " + name + " runs already");
      }
      Map<String, Source> next = new LinkedHashMap<>(sources);
      next.put(name, s);
      sources = Collections.unmodifiableMap(next);
      metrics.connectorUp.labelValues(name).set(1);
      metrics.unauthorized.labelValues(name).set(0);
      metrics.pollInterval.labelValues(name).set(pollInterval.toMillis() / 1000.0);
      if (executor != null) {
        resizePool();
        launch(s);
      }
    }
  }

  /**
   * Stops one connector and forgets it, leaving the others running: ends its {@link Generation}
   * (waiting for a page being committed, then refusing its every later write), drops its queued
   * steps and timers, interrupts and cancels (the vendor requests in flight) the steps it is
   * running, waits up to {@code timeout} for them and closes it. A page being read is not
   * committed, so the stream's cursor stays before it. A step still busy after {@code timeout} (a
   * connector that ignores both interrupt and cancel) keeps its thread until it returns, unable to
   * write. Its metrics are not removed: that is the caller's ({@code SelfMetrics.forget}).
   *
   * @return false when no connector of that name runs
   */
  public boolean remove(String name, Duration timeout) {
    Source s;
    synchronized (this) {
      s = sources.get(name);
      if (s == null) {
        return false;
      }
      Map<String, Source> next = new LinkedHashMap<>(sources);
      next.remove(name);
      sources = Collections.unmodifiableMap(next);
      if (executor != null) {
        resizePool();
      }
    }
    stop(s, timeout);
    checks.remove(name);
    return true;
  }

  private void stop(Source s, Duration timeout) {
    synchronized (s) {
      s.stopped = true;
      s.waiting.clear();
    }
    s.timers.forEach(f -> f.cancel(false));
    s.timers.clear();
    s.generation.end();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (s) {
      // a step ends its turn under this lock, then clears its interrupt: one meant for it never
      // reaches another connector's step on the same thread
      while (!s.running.isEmpty() && System.nanoTime() - deadline < 0) {
        s.running.forEach(Thread::interrupt);
        HttpCalls.cancelOn(s.running);
        try {
          s.wait(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (!s.running.isEmpty()) {
        LOG.info(
            "{}: a sync step is still busy after {} ms; left behind, it can no longer write",
            s.connector.name(),
            timeout.toMillis());
      }
    }
    s.connector.close();
  }

  /** Starts every stream on its own schedule: each connector's check, then its streams' passes. */
  public synchronized void start() {
    ScheduledThreadPoolExecutor ex =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "cx-sync");
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
    ex.setRemoveOnCancelPolicy(true);
    executor = ex;
    resizePool();
    for (Source s : sources.values()) {
      launch(s);
    }
  }

  /** As many threads as there are streams, up to {@link #MAX_THREADS}; at least one. */
  private void resizePool() {
    int streams = sources.values().stream().mapToInt(s -> s.runners.size()).sum();
    int size = Math.max(1, Math.min(MAX_THREADS, streams));
    executor.setCorePoolSize(size);
  }

  /** Queues a connector's check and the first step of each of its streams. */
  private void launch(Source s) {
    submit(s, () -> check(s));
    for (StreamRunner r : s.runners) {
      submit(s, () -> step(s, r));
    }
  }

  /** Queues a task of {@code s}, due now. */
  private void submit(Source s, Runnable task) {
    try {
      executor.execute(() -> run(s, task));
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** Queues a task of {@code s}, due after {@code wait}. */
  private void schedule(Source s, Runnable task, Duration wait) {
    try {
      Future<?> f = executor.schedule(() -> run(s, task), wait.toMillis(), TimeUnit.MILLISECONDS);
      s.timers.add(f);
      if (s.stopped) {
        f.cancel(false);
      }
      s.timers.removeIf(Future::isDone);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /**
   * Runs a task of {@code s} on this thread, unless {@link #MAX_PER_CONNECTOR} of its tasks run
   * already: then the task waits aside and is queued again when one of them ends.
   */
  private void run(Source s, Runnable task) {
    Thread me = Thread.currentThread();
    synchronized (s) {
      if (s.stopped || closed) {
        return;
      }
      if (s.running.size() >= MAX_PER_CONNECTOR) {
        s.waiting.add(task);
        return;
      }
      s.running.add(me);
    }
    Runnable next;
    try {
      task.run();
    } finally {
      synchronized (s) {
        s.running.remove(me);
        next = s.stopped ? null : s.waiting.poll();
        s.notifyAll();
      }
      if (!closed) {
        Thread.interrupted(); // an interrupt meant for s's step stops here
      }
    }
    if (next != null) {
      submit(s, next);
    }
  }

  private void check(Source s) {
    CheckResult c;
    try {
      c = s.connector.check();
    } catch (RuntimeException e) {
      c = CheckResult.failed(e.toString());
    }
    CheckResult result = c;
    s.generation.write(
        () -> {
          checks.put(s.connector.name(), result);
          if (result.ok()) {
            LOG.info("{}: check ok: {}", s.connector.name(), result.message());
          } else {
            LOG.warn("{}: check failed: {}", s.connector.name(), result.message());
          }
        });
  }

  /**
   * Runs one step of a stream and queues its next one: the next page at once (behind whatever is
   * waiting), or the next pass after {@code poll_interval} or the backoff. Exactly one step of a
   * stream is queued or running at any time.
   */
  private void step(Source s, StreamRunner r) {
    if (closed || s.stopped) {
      return;
    }
    StreamRunner.Step next = r.step();
    if (closed || s.stopped) {
      return;
    }
    if (next.more()) {
      submit(s, () -> step(s, r));
    } else {
      schedule(s, () -> step(s, r), next.retry() == null ? s.poll : next.retry());
    }
  }

  /** Up and freshness of a source, after each page read or failure of any of its streams. */
  private void writeSourceHealth(Source s) {
    String name = s.connector.name();
    boolean up = s.runners.stream().allMatch(StreamRunner::lastAttemptOk);
    metrics.connectorUp.labelValues(name).set(up ? 1 : 0);
    boolean denied = s.runners.stream().anyMatch(StreamRunner::unauthorized);
    metrics.unauthorized.labelValues(name).set(denied ? 1 : 0);
    Instant oldest = null;
    for (StreamRunner r : s.runners) {
      Instant t = r.lastSuccess();
      if (t == null) {
        return;
      }
      oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
    }
    if (oldest != null) {
      metrics.lastSuccess.labelValues(name).set(oldest.toEpochMilli() / 1000.0);
    }
  }

  /**
   * Ready once every stream finished its backfill once, or is in it with data already (from this
   * run or stored by an earlier one).
   */
  public boolean ready() {
    return sources.values().stream().flatMap(s -> s.runners.stream()).allMatch(StreamRunner::ready);
  }

  /** The state of every stream, in the order the connectors were added. */
  public List<StreamStatus> status() {
    List<StreamStatus> out = new ArrayList<>();
    for (Source s : sources.values()) {
      for (StreamRunner r : s.runners) {
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
    sources.forEach((k, v) -> m.put(k, v.runners.stream().allMatch(StreamRunner::lastAttemptOk)));
    return m;
  }

  /** A link to a ticket in its vendor's UI, or null. */
  public String ticketUrl(String source, String ticketId) {
    Source s = sources.get(source);
    return s == null ? null : s.connector.ticketUrl(ticketId);
  }

  /** The running connectors by name with their type. */
  public Map<String, String> types() {
    Map<String, String> m = new LinkedHashMap<>();
    sources.forEach((k, v) -> m.put(k, v.type));
    return m;
  }

  /** The run of the whole engine, ended by {@link #close}; each connector's own run ends first. */
  public Generation generation() {
    return generation;
  }

  /** How many pool threads were ever started (tests: the bound). */
  int threadsStarted() {
    return threads.size();
  }

  /** How many steps of any connector run now (tests: idle connectors hold no thread). */
  int busy() {
    int n = 0;
    for (Source s : sources.values()) {
      synchronized (s) {
        n += s.running.size();
      }
    }
    return n;
  }

  /** Stops within 10 s; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * Stops the run: ends its {@link Generation} and every connector's (waiting for a page being
   * committed, then refusing every later write), interrupts its sleeps and backoffs, cancels the
   * vendor requests in flight on its threads, waits up to {@code timeout} for the threads and
   * closes the connectors. A page being read is never committed, so its stream's cursor stays
   * before it and the next run reads it again. A thread still busy after {@code timeout} (a
   * connector that ignores both interrupt and cancel) is left behind, unable to write.
   */
  public synchronized void close(Duration timeout) {
    if (closed) {
      return;
    }
    closed = true;
    for (Source s : sources.values()) {
      s.stopped = true;
      s.generation.end();
    }
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
      s.connector.close();
    }
  }
}
