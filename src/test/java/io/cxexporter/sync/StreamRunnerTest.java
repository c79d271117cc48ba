package io.cxexporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Rejected;
import io.cxexporter.connector.Stream;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.kpi.Transition;
import io.cxexporter.metrics.KpiPublisher;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.metrics.SnapshotCollector;
import io.cxexporter.metrics.TransitionMetrics;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.ScriptedStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamRunnerTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final List<Transition> counted = new ArrayList<>();
  final PrometheusRegistry registry = new PrometheusRegistry();
  final SelfMetrics self = SelfMetrics.register(registry, "test", "test");

  static Ticket t(String id, int minutesAgo, TicketStatus status) {
    Instant c = NOW.minus(Duration.ofHours(6));
    return Ticket.builder(id)
        .createdAt(c)
        .updatedAt(NOW.minus(Duration.ofMinutes(minutesAgo)))
        .status(status)
        .priority(Priority.HIGH)
        .group("Billing")
        .solvedAt(status == TicketStatus.SOLVED ? NOW.minus(Duration.ofMinutes(minutesAgo)) : null)
        .build();
  }

  /** Five pages with a ticket updated across pages and a duplicate inside a page. */
  static ScriptedStream stream() {
    return new ScriptedStream("tickets")
        .page(t("1", 50, TicketStatus.OPEN), t("2", 49, TicketStatus.OPEN))
        .page(t("3", 40, TicketStatus.OPEN), t("1", 39, TicketStatus.PENDING))
        .page(
            t("4", 30, TicketStatus.OPEN),
            t("4", 29, TicketStatus.OPEN),
            t("2", 28, TicketStatus.SOLVED))
        .page(t("5", 20, TicketStatus.OPEN))
        .page(t("6", 10, TicketStatus.NEW), t("3", 9, TicketStatus.SOLVED));
  }

  StreamRunner runner(Store store, KpiEngine kpi, Stream s) {
    return runner(store, kpi, s, () -> {}, counted::addAll);
  }

  StreamRunner runner(
      Store store,
      KpiEngine kpi,
      Stream s,
      Runnable newLabels,
      Consumer<List<Transition>> transitions) {
    return new StreamRunner(
        "zd",
        "test",
        s,
        store,
        kpi,
        newLabels,
        transitions,
        () -> {},
        () -> {},
        self,
        clock,
        new Backoff(new SplittableRandom(1)),
        store.count("zd") > 0,
        new Generation());
  }

  static KpiEngine loadFromStore(Store store, MutableClock clock) {
    KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
    kpi.load("zd", each -> store.forEach("zd", each));
    return kpi;
  }

  static double backlog(KpiSnapshot s) {
    return s.find("tickets_open", Map.of("source", "zd")).stream()
        .mapToDouble(KpiSeries::value)
        .sum();
  }

  @Test
  void aCrashBetweenPagesLosesAndDuplicatesNothing() {
    // reference: one uninterrupted run
    KpiSnapshot expected;
    try (Store store = Store.open(dir.resolve("ref"), clock)) {
      KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
      assertThat(runner(store, kpi, stream()).syncOnce()).isNull();
      expected = kpi.compute();
    }

    ScriptedStream first = stream();
    try (Store store = Store.open(dir.resolve("crash"), clock)) {
      KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
      StreamRunner r = runner(store, kpi, first);
      // the process dies while reading page 3: pages 1-2 are committed with their cursor
      readPages(r, first, 2);
    }
    ScriptedStream second = stream();
    try (Store store = Store.open(dir.resolve("crash"), clock)) {
      KpiEngine kpi = loadFromStore(store, clock);
      assertThat(runner(store, kpi, second).syncOnce()).isNull();

      assertThat(second.reads.get()).as("resumes at page 3, reads 3 pages").isEqualTo(3);
      KpiSnapshot actual = kpi.compute();
      assertThat(actual.series()).containsExactlyInAnyOrderElementsOf(expected.series());
      assertThat(backlog(actual)).isEqualTo(4);
      assertThat(actual.value("kpi_tickets_created", Map.of("source", "zd", "window", "24h")))
          .isEqualTo(6);
      assertThat(actual.value("kpi_tickets_solved", Map.of("source", "zd", "window", "24h")))
          .isEqualTo(2);
    }
    assertThat(counted).as("a backfill counts nothing").isEmpty();
  }

  /** Reads {@code n} pages then "crashes" (stops) mid-stream, as a kill -9 would. */
  private static void readPages(StreamRunner r, ScriptedStream s, int n) {
    s.failAfter(n);
    r.syncOnce();
  }

  @Test
  void aRestartResumesFromTheStoredCursorWithoutReReading() {
    try (Store store = Store.open(dir, clock)) {
      assertThat(runner(store, new KpiEngine(Configs.kpi(), clock), stream()).syncOnce()).isNull();
    }
    ScriptedStream again = stream();
    try (Store store = Store.open(dir, clock)) {
      StreamRunner r = runner(store, loadFromStore(store, clock), again);
      assertThat(r.ready()).isTrue();
      assertThat(r.syncOnce()).isNull();
      assertThat(again.reads.get()).as("one read of the caught-up cursor").isEqualTo(1);
    }
  }

  @Test
  void aFailedPageIsRetriedWithBackoffAndTheCursorStays() {
    try (Store store = Store.open(dir, clock)) {
      ScriptedStream s = stream();
      StreamRunner r = runner(store, new KpiEngine(Configs.kpi(), clock), s);
      s.failNext(
          new ConnectorException(
              ConnectorException.Kind.RATE_LIMITED, "429", Duration.ofSeconds(7), null));

      assertThat(r.syncOnce()).isEqualTo(Duration.ofSeconds(7));
      assertThat(store.state("zd", "tickets").cursor().isStart()).isTrue();
      assertThat(r.status().lastError()).isEqualTo("rate_limited: 429");
      assertThat(r.lastAttemptOk()).isFalse();

      assertThat(r.syncOnce()).isNull();
      assertThat(r.status().lastError()).isNull();
      assertThat(store.count("zd")).isEqualTo(6);
    }
  }

  @Test
  void changesAfterTheBackfillAreCountedOnce() {
    try (Store store = Store.open(dir, clock)) {
      KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
      ScriptedStream s = stream();
      StreamRunner r = runner(store, kpi, s);
      assertThat(r.syncOnce()).isNull();
      assertThat(counted).isEmpty();

      s.page(t("7", 1, TicketStatus.OPEN), t("5", 1, TicketStatus.SOLVED));
      // the stored cursor "5" now has a page behind it
      assertThat(r.syncOnce()).isNull();
      assertThat(counted)
          .extracting(Transition::type)
          .containsExactly(Transition.Type.CREATED, Transition.Type.SOLVED);
    }
  }

  @Test
  void aMissingFeatureBacksOffLongWithoutMarkingTheSourceUnauthorized() {
    try (Store store = Store.open(dir, clock)) {
      ScriptedStream s = stream();
      StreamRunner r = runner(store, new KpiEngine(Configs.kpi(), clock), s);
      s.failNext(
          new ConnectorException(
              ConnectorException.Kind.FEATURE_UNAVAILABLE, "HTTP 403 from x: not available"));

      assertThat(r.syncOnce()).isEqualTo(Backoff.AUTH_PAUSE);
      assertThat(r.unauthorized()).isFalse();
      assertThat(r.status().lastError())
          .isEqualTo("feature_unavailable: HTTP 403 from x: not available");

      s.failNext(new ConnectorException(ConnectorException.Kind.AUTH, "HTTP 401 from x"));
      assertThat(r.syncOnce()).isEqualTo(Backoff.AUTH_PAUSE);
      assertThat(r.unauthorized()).as("only AUTH marks it").isTrue();
    }
  }

  @Test
  void aPassIsTimedFromItsFirstPageToCaughtUpAcrossSteps() {
    try (Store store = Store.open(dir, clock)) {
      StreamRunner r = runner(store, new KpiEngine(Configs.kpi(), clock), stream());
      int steps = 1;
      while (r.step().more()) {
        clock.advance(Duration.ofSeconds(2)); // waiting in the queue behind other streams
        steps++;
      }

      assertThat(steps).isEqualTo(5);
      assertThat(r.status().lastSyncDuration()).isEqualTo(Duration.ofSeconds(8));
      assertThat(gauge("cx_connector_sync_duration_seconds")).isEqualTo(8.0);
      assertThat(r.status().backfillDone()).isTrue();
    }
  }

  /** The value of a self-metric gauge of stream zd/tickets. */
  double gauge(String name) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name))
        .flatMap(m -> ((GaugeSnapshot) m).getDataPoints().stream())
        .filter(d -> d.getLabels().get("stream").equals("tickets"))
        .mapToDouble(GaugeSnapshot.GaugeDataPointSnapshot::getValue)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPageThatNamesItsOwnCursorAsNextIsRefusedNotLoopedOn() {
    try (Store store = Store.open(dir, clock)) {
      StuckStream s = new StuckStream();
      StreamRunner r = runner(store, new KpiEngine(Configs.kpi(), clock), s);

      Duration retry = r.syncOnce();

      assertThat(retry).as("backs off instead of looping").isNotNull().isPositive();
      assertThat(s.reads).as("the good page and the stuck one, once").isEqualTo(2);
      assertThat(store.state("zd", "tickets").cursor()).isEqualTo(new Cursor("1"));
      assertThat(store.count("zd")).as("the stuck page is not applied").isEqualTo(1);
      assertThat(errors("bad_response")).isEqualTo(1);
      assertThat(errors("mapping")).as("nor are its rejected records counted").isZero();
      assertThat(r.status().lastError())
          .isEqualTo(
              "bad_response: the stream returned the cursor it was read from without catching up");

      s.stuck = false; // the vendor recovers: the same page, now with a cursor past it
      assertThat(r.syncOnce()).isNull();
      assertThat(store.count("zd")).isEqualTo(2);
      assertThat(errors("mapping")).isEqualTo(1);
    }
  }

  /**
   * Page 1 from the start; then, while {@code stuck}, a page that names the cursor it was read from
   * as its next one (a vendor that keeps answering the same page). Gives up after 100 reads, so a
   * loop fails the test instead of hanging it.
   */
  static final class StuckStream implements Stream {
    volatile boolean stuck = true;
    int reads;

    @Override
    public String name() {
      return "tickets";
    }

    @Override
    public Page read(Cursor from) {
      if (++reads > 100) {
        throw new AssertionError("read the same cursor 100 times");
      }
      if (from.isStart()) {
        return new Page(List.of(t("1", 30, TicketStatus.OPEN)), new Cursor("1"), false, 0.5);
      }
      return new Page(
          List.of(t("2", 20, TicketStatus.OPEN)),
          stuck ? from : new Cursor("2"),
          !stuck,
          stuck ? 0.5 : 1.0,
          List.of(new Rejected("3", "bad time \"yesterday\"")));
    }
  }

  /** The value of {@code cx_connector_errors_total} of zd/tickets of a kind, 0 when absent. */
  double errors(String kind) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("cx_connector_errors")) // no _total
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> d.getLabels().get("stream").equals("tickets"))
        .filter(d -> d.getLabels().get("kind").equals(kind))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  /** The KPIs of a clean run: the backfill of {@link #stream()}, then {@link #livePage}. */
  KpiSnapshot cleanRun() {
    try (Store store = Store.open(dir.resolve("clean"), clock)) {
      KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
      ScriptedStream s = stream();
      StreamRunner r = runner(store, kpi, s);
      assertThat(r.syncOnce()).isNull();
      livePage(s);
      assertThat(r.syncOnce()).isNull();
      assertThat(counted).hasSize(2);
      counted.clear();
      return kpi.compute();
    }
  }

  static void livePage(ScriptedStream s) {
    s.page(t("7", 1, TicketStatus.OPEN), t("5", 1, TicketStatus.SOLVED));
  }

  @Test
  void aKpiUpdateThatThrowsAfterTheStoreCommittedIsRecoveredFromTheStore() {
    KpiSnapshot expected = cleanRun();
    try (Store store = Store.open(dir.resolve("failing"), clock)) {
      FailingClock kpiClock = new FailingClock(clock);
      KpiEngine kpi = new KpiEngine(Configs.kpi(), kpiClock);
      ScriptedStream s = stream();
      StreamRunner r = runner(store, kpi, s);
      assertThat(r.syncOnce()).isNull();
      livePage(s);
      kpiClock.failReads(1); // kpi.apply throws, after store.apply committed the page

      assertThat(r.syncOnce()).as("a failed pass, backed off").isNotNull().isPositive();
      assertThat(errors("internal")).isEqualTo(1);
      assertThat(r.status().lastError())
          .startsWith("internal: KPI update failed after the page was stored (")
          .endsWith("); reloaded from the store");
      assertThat(kpi.compute().series()).containsExactlyInAnyOrderElementsOf(expected.series());

      assertThat(r.syncOnce()).as("the cursor had moved on: caught up").isNull();
      assertThat(s.reads.get()).as("the failed page is not read again").isEqualTo(7);
      assertThat(kpi.compute().series()).containsExactlyInAnyOrderElementsOf(expected.series());
      assertThat(counted).as("that page's transitions are lost, never counted twice").isEmpty();
    }
  }

  @Test
  void aReloadThatFailsIsRetriedBeforeTheNextPage() {
    KpiSnapshot expected = cleanRun();
    try (Store store = Store.open(dir.resolve("failing"), clock)) {
      FailingClock kpiClock = new FailingClock(clock);
      KpiEngine kpi = new KpiEngine(Configs.kpi(), kpiClock);
      ScriptedStream s = stream();
      StreamRunner r = runner(store, kpi, s);
      assertThat(r.syncOnce()).isNull();
      livePage(s);
      kpiClock.failReads(2); // kpi.apply throws, and so does the reload after it

      assertThat(r.syncOnce()).isNotNull();
      assertThat(r.status().lastError()).endsWith("; reload failed, retried next");

      assertThat(r.syncOnce()).isNull();
      assertThat(r.status().lastError()).isNull();
      assertThat(errors("internal")).isEqualTo(1);
      assertThat(kpi.compute().series()).containsExactlyInAnyOrderElementsOf(expected.series());
    }
  }

  /**
   * A clock that throws on its next reads when told to: given to a KPI engine only, it makes the
   * engine's next {@code apply} (or {@code load}) throw, as a bug inside the engine would.
   */
  static final class FailingClock extends Clock {
    private final Clock clock;
    private final AtomicInteger failures = new AtomicInteger();

    FailingClock(Clock clock) {
      this.clock = clock;
    }

    void failReads(int n) {
      failures.set(n);
    }

    @Override
    public Instant instant() {
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("simulated KPI engine failure");
      }
      return clock.instant();
    }

    @Override
    public ZoneId getZone() {
      return clock.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void aLabelCombinationFirstSeenLiveIsExposedAtZeroBeforeItsFirstCount() {
    PrometheusRegistry exposed = new PrometheusRegistry();
    TransitionMetrics metrics = TransitionMetrics.register(exposed, Configs.kpi().dimensions());
    try (Store store = Store.open(dir, clock)) {
      KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
      KpiPublisher publisher =
          new KpiPublisher(
              kpi,
              metrics,
              SnapshotCollector.register(exposed),
              self,
              clock,
              Duration.ofSeconds(15));
      List<Double> scrapedAtHandOver = new ArrayList<>();
      ScriptedStream s = stream(); // group Billing only
      StreamRunner r =
          runner(
              store,
              kpi,
              s,
              publisher::initializeNewLabels,
              t -> {
                scrapedAtHandOver.add(salesCreated(exposed)); // a scrape just before counting
                metrics.record(t);
              });
      assertThat(r.syncOnce()).isNull();
      scrapedAtHandOver.clear();

      Ticket sales = t("7", 1, TicketStatus.OPEN).toBuilder().group("Sales").build();
      s.page(sales); // a group first seen live: created, no KPI refresh since
      assertThat(r.syncOnce()).isNull();

      assertThat(scrapedAtHandOver).as("before its first count").containsExactly(0.0);
      assertThat(salesCreated(exposed)).as("after").isEqualTo(1.0);
    }
  }

  /** cx_tickets_created_total of group Sales as a scrape sees it; NaN while it does not exist. */
  static double salesCreated(PrometheusRegistry registry) {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("cx_tickets_created")) // no _total
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> "Sales".equals(d.getLabels().get("group")))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .findFirst()
        .orElse(Double.NaN);
  }
}
