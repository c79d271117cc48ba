package io.cxexporter.sync;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.Stream;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.Transition;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.store.Change;
import io.cxexporter.store.Quarantine;
import io.cxexporter.store.Store;
import io.cxexporter.store.StoreException;
import io.cxexporter.store.StreamState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stream: read a page from the stored cursor, commit its records and the next cursor in
 * one transaction, feed the changes to the KPI engine, repeat until caught up. Times every pass and
 * reports success, errors and backfill progress, so no connector can forget to.
 *
 * <p>Each page is one {@link #step()}; the {@link SyncEngine} queues the next step behind other
 * streams' work, so a long backfill never holds a thread. Steps of one runner never overlap, but
 * successive steps may run on different threads (the executor's queue orders them).
 */
final class StreamRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);

  private final String source;
  private final String type;
  private final Stream stream;
  private final Store store;
  private final KpiEngine kpi;
  private final Runnable newLabels;
  private final Consumer<List<Transition>> transitions;
  private final Runnable onChange;
  private final Runnable onAttempt;
  private final SelfMetrics metrics;
  private final Clock clock;
  private final Generation generation;
  final Backoff backoff;

  private final BackfillProgress backfill;
  private volatile Instant lastSuccess;
  private volatile Duration lastSyncDuration;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  private volatile boolean lastAttemptOk = true;
  private volatile boolean unauthorized;
  private volatile long recordsApplied;
  private final boolean hadData;

  /** True after a failed KPI update until the source is reloaded into the engine from the store. */
  private boolean kpiStale;

  /**
   * When the pass in progress started, or null between passes. Only the running step touches it;
   * the executor's hand-off orders one step before the next.
   */
  private Instant passStart;

  /**
   * A runner whose writes (store, KPI engine, metrics, status) go through {@code generation}: once
   * it ended, a step still running finishes without writing anything.
   */
  StreamRunner(
      String source,
      String type,
      Stream stream,
      Store store,
      KpiEngine kpi,
      Runnable newLabels,
      Consumer<List<Transition>> transitions,
      Runnable onChange,
      Runnable onAttempt,
      SelfMetrics metrics,
      Clock clock,
      Backoff backoff,
      boolean hadData,
      Generation generation) {
    this.generation = generation;
    this.source = source;
    this.type = type;
    this.stream = stream;
    this.store = store;
    this.kpi = kpi;
    this.newLabels = newLabels;
    this.transitions = transitions;
    this.onChange = onChange;
    this.onAttempt = onAttempt;
    this.metrics = metrics;
    this.clock = clock;
    this.backoff = backoff;
    this.hadData = hadData;
    metrics.initializeStream(source, stream.name());
    this.backfill =
        new BackfillProgress(
            source,
            stream.name(),
            store.state(source, stream.name()).backfillDone(),
            metrics,
            clock);
  }

  /**
   * What the scheduler does after one {@link #step()}: read the next page (the pass goes on), rest
   * {@code poll_interval} (caught up), or retry after a backoff (the step failed).
   *
   * @param more true when the stream is not caught up and the next page should be read
   * @param retry how long to wait before retrying after a failure, or null
   */
  record Step(boolean more, Duration retry) {
    /** The page was applied and more pages wait. */
    static final Step MORE = new Step(true, null);

    /** The stream is caught up: the pass is over. */
    static final Step CAUGHT_UP = new Step(false, null);

    /** The run ended while the step ran: nothing of it was written, nothing comes next. */
    static final Step STOPPED = new Step(false, null);

    /** The step failed; the pass ends and the next one starts after {@code wait}. */
    static Step retry(Duration wait) {
      return new Step(false, wait);
    }
  }

  /**
   * One whole sync pass in this thread: steps until the stream is caught up or a step fails. The
   * scheduler runs steps one by one instead (see {@link SyncEngine}); this is for tests and tools
   * that sync synchronously.
   *
   * @return null when caught up (wait {@code poll_interval}), else how long to wait before retrying
   */
  Duration syncOnce() {
    while (true) {
      Step step = step();
      if (!step.more()) {
        return step.retry();
      }
      if (Thread.currentThread().isInterrupted()) {
        passStart = null;
        return Duration.ZERO;
      }
    }
  }

  /**
   * Reads and applies one page from the stored cursor: the unit of work the scheduler queues, so a
   * backfill of a thousand pages gives its thread back a thousand times. A pass is the run of steps
   * from the first page to the caught-up one; it is timed from the start of its first step to the
   * end of its last, time spent waiting in the queue between pages included, so {@code
   * cx_connector_sync_duration_seconds} means what it always meant. A failed step ends the pass.
   *
   * <p>A page that is not caught up but names the cursor it was read from as its next one would
   * have the stream read that page forever. Such a page is refused as a {@code bad_response}
   * failure (counted, logged, backed off) before anything of it is applied: neither its records nor
   * its rejected records are counted and the stored cursor stays, so the retry reads the same page
   * afresh and nothing is lost or counted twice.
   *
   * <p>When the KPI engine throws on a page the store has already committed, that page is never
   * read again (the cursor has moved past it), so the engine would miss its changes until a
   * restart. Instead the step reloads the source into the engine from the store, as start-up does
   * ({@link KpiEngine#load}), and fails as {@code internal} (counted, logged, backed off); a reload
   * that fails itself is retried before the next page. The page's records reach the KPIs through
   * the reload, exactly once, and it still counts as applied (records, rejected records, progress).
   * Its transitions are lost, as in a restart: the reload reads every record as history, so the
   * counters miss that page's changes (and SLA breaches of the source that fell due since the last
   * refresh) but never count anything twice.
   *
   * <p>Everything a step writes (the page's commit, the KPI engine, metrics, its failure's count
   * and log line) goes through the runner's {@link Generation}. Once the run has ended (a stop or a
   * reload), a step still reading finishes as {@link Step#STOPPED} with nothing written: its page
   * is not committed, so the stored cursor stays before it and the next run reads it again.
   */
  Step step() {
    if (!generation.live()) {
      return Step.STOPPED;
    }
    if (passStart == null) {
      passStart = clock.instant();
    }
    if (kpiStale && !generation.write(this::reloadKpi, false)) {
      return failed(
          "internal",
          "the KPI state of the source is not reloaded from the store yet",
          ConnectorException.Kind.TRANSIENT,
          null);
    }
    StreamState st;
    Page page;
    try {
      st = store.state(source, stream.name());
      page = stream.read(st.cursor());
    } catch (ConnectorException e) {
      return failed(
          e.kind().name().toLowerCase(Locale.ROOT),
          e.getMessage(),
          e.kind(),
          e.retryAfter().orElse(null));
    } catch (StoreException e) {
      return failed("store", e.getMessage(), ConnectorException.Kind.TRANSIENT, null);
    } catch (RuntimeException e) {
      return unexpected(e);
    }
    // a stopped run's page is dropped whole: not committed, so the cursor stays before it
    return generation.write(() -> apply(st, page), Step.STOPPED);
  }

  /** Commits a page read from {@code st}'s cursor and feeds its changes to the KPIs. */
  private Step apply(StreamState st, Page page) {
    try {
      boolean live = st.backfillDone();
      if (!page.caughtUp() && page.next().equals(st.cursor())) {
        return failed(
            "bad_response",
            "the stream returned the cursor it was read from without catching up",
            ConnectorException.Kind.BAD_RESPONSE,
            null);
      }
      List<Change> changes =
          store.apply(
              source,
              stream.name(),
              page.records(),
              page.rejected().stream()
                  .map(r -> new Quarantine.Rejection(r.id(), r.reason()))
                  .toList(),
              page.next(),
              page.caughtUp());
      List<Transition> t;
      try {
        t = kpi.apply(source, changes, live);
      } catch (RuntimeException e) {
        return kpiFailed(page, changes, e);
      }
      newLabels.run(); // zero series first: a counter born at 1 hides its first increase
      transitions.accept(t);
      recordsApplied += changes.size();
      rejected(page.rejected());
      succeeded();
      onAttempt.run();
      if (!changes.isEmpty()) {
        onChange.run();
      }
      backfill.update(page, recordsApplied);
      if (!page.caughtUp()) {
        return Step.MORE;
      }
      lastSyncDuration = Duration.between(passStart, clock.instant());
      passStart = null;
      metrics
          .syncDuration
          .labelValues(source, stream.name())
          .set(lastSyncDuration.toMillis() / 1000.0);
      return Step.CAUGHT_UP;
    } catch (StoreException e) {
      return failed("store", e.getMessage(), ConnectorException.Kind.TRANSIENT, null);
    } catch (RuntimeException e) {
      return unexpected(e);
    }
  }

  private Step unexpected(RuntimeException e) {
    if (!generation.live()) {
      return Step.STOPPED;
    }
    LOG.warn("{}/{}: unexpected failure", source, stream.name(), e);
    return failed("internal", e.toString(), ConnectorException.Kind.TRANSIENT, null);
  }

  /** Counts and logs the records a page could not map; the rest of the page was applied. */
  private void rejected(List<Rejected> rejected) {
    if (rejected.isEmpty()) {
      return;
    }
    metrics.errors.labelValues(source, stream.name(), "mapping").inc(rejected.size());
    List<String> shown = new ArrayList<>();
    for (Rejected r : rejected.subList(0, Math.min(10, rejected.size()))) {
      shown.add(r.id() + " (" + r.reason() + ")");
    }
    LOG.warn(
        "{}/{}: {} record(s) could not be read and were skipped: {}{}",
        source,
        stream.name(),
        rejected.size(),
        String.join(", ", shown),
        rejected.size() > shown.size() ? ", ..." : "");
  }

  private void succeeded() {
    lastSuccess = clock.instant();
    lastAttemptOk = true;
    unauthorized = false;
    lastError = null;
    backoff.reset();
  }

  /**
   * The KPI engine threw on a page the store has committed: the page counts as applied, the source
   * is reloaded into the engine from the store, and the step fails as {@code internal}.
   */
  private Step kpiFailed(Page page, List<Change> changes, RuntimeException e) {
    recordsApplied += changes.size();
    rejected(page.rejected());
    backfill.update(page, recordsApplied);
    kpiStale = true;
    String outcome = reloadKpi() ? "reloaded from the store" : "reload failed, retried next";
    Duration wait =
        failure(
            "internal",
            "KPI update failed after the page was stored (" + e + "); " + outcome,
            ConnectorException.Kind.TRANSIENT,
            null);
    LOG.warn(
        "{}/{}: page stored but the KPI update failed; source {}; retry #{} in {}",
        source,
        stream.name(),
        outcome,
        backoff.failures(),
        wait,
        e);
    return Step.retry(wait);
  }

  /**
   * Rebuilds the KPI engine's view of this source from the store (every stream of it); false,
   * logged, when that failed too.
   */
  private boolean reloadKpi() {
    try {
      long n = kpi.load(source, action -> store.forEach(source, action));
      kpiStale = false;
      onChange.run();
      LOG.info("{}: KPI state reloaded from the store ({} records)", source, n);
      return true;
    } catch (RuntimeException e) {
      LOG.error("{}: reloading the KPI state from the store failed", source, e);
      return false;
    }
  }

  /**
   * Records and logs a failed step, unless the run has ended: a stopped run's cancelled request is
   * not a vendor failure, so it is neither counted nor logged.
   */
  private Step failed(String kind, String message, ConnectorException.Kind k, Duration retryAfter) {
    return generation.write(
        () -> {
          Duration wait = failure(kind, message, k, retryAfter);
          LOG.warn(
              "{}/{}: page not read ({}: {}); cursor kept, retry #{} in {}",
              source,
              stream.name(),
              kind,
              message,
              backoff.failures(),
              wait);
          return Step.retry(wait);
        },
        Step.STOPPED);
  }

  /** Records a failed step (status, error count, health, backoff); returns the wait. */
  private Duration failure(
      String kind, String message, ConnectorException.Kind k, Duration retryAfter) {
    passStart = null;
    lastAttemptOk = false;
    unauthorized = k == ConnectorException.Kind.AUTH;
    lastError = kind + ": " + message;
    lastErrorAt = clock.instant();
    metrics.errors.labelValues(source, stream.name(), kind).inc();
    onAttempt.run();
    return backoff.next(k, retryAfter);
  }

  boolean unauthorized() {
    return unauthorized;
  }

  boolean lastAttemptOk() {
    return lastAttemptOk;
  }

  Instant lastSuccess() {
    return lastSuccess;
  }

  boolean ready() {
    return backfill.done() || recordsApplied > 0 || hadData;
  }

  StreamStatus status() {
    return new StreamStatus(
        source,
        type,
        stream.name(),
        backfill.done(),
        backfill.ratio(),
        backfill.eta(),
        lastSuccess,
        lastSyncDuration,
        lastError,
        lastErrorAt,
        recordsApplied,
        hadData);
  }
}
