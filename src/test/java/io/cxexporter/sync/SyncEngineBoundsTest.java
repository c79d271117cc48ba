package io.cxexporter.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Stream;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.ScriptedStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's bounds (issue 18): at most {@link SyncEngine#MAX_THREADS} threads for any number
 * of connectors, none held by an idle one, one step per stream, and at most {@link
 * SyncEngine#MAX_PER_CONNECTOR} steps per connector, so a hanging vendor cannot starve the others.
 */
class SyncEngineBoundsTest {
  @TempDir Path dir;
  final Clock clock = Clock.systemUTC();
  final SelfMetrics self = SelfMetrics.register(new PrometheusRegistry(), "test", "test");
  Store store;
  SyncEngine sync;

  /** Steps in progress: everywhere, by connector and by stream, and the most seen of each. */
  final AtomicInteger active = new AtomicInteger();

  final AtomicInteger mostActive = new AtomicInteger();
  final Map<String, AtomicInteger> byKey = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> mostByKey = new ConcurrentHashMap<>();
  final Set<Thread> readers = ConcurrentHashMap.newKeySet();

  /** Lets every hanging read and check go (their "timeout"), so the engine closes at once. */
  final CountDownLatch timeout = new CountDownLatch(1);

  SyncEngine engine() {
    store = Store.open(dir, clock);
    sync =
        new SyncEngine(
            store, new KpiEngine(Configs.kpi(), clock), () -> {}, t -> {}, () -> {}, self, clock);
    return sync;
  }

  @AfterEach
  void close() {
    timeout.countDown();
    if (sync != null) {
      sync.close(Duration.ofSeconds(5));
    }
    if (store != null) {
      store.close();
    }
  }

  void enter(String... keys) {
    readers.add(Thread.currentThread());
    mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
    for (String k : keys) {
      int n = byKey.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
      mostByKey.computeIfAbsent(k, x -> new AtomicInteger()).accumulateAndGet(n, Math::max);
    }
  }

  void leave(String... keys) {
    active.decrementAndGet();
    for (String k : keys) {
      byKey.get(k).decrementAndGet();
    }
  }

  int most(String key) {
    AtomicInteger n = mostByKey.get(key);
    return n == null ? 0 : n.get();
  }

  /** A stream of {@code pages} pages whose every read is counted, takes {@code ms} and returns. */
  ScriptedStream counted(String source, String name, int pages, long ms) {
    ScriptedStream s = new ScriptedStream(name);
    for (int p = 0; p < pages; p++) {
      s.page(StreamRunnerTest.t(source + "-" + name + "-" + p, 5, TicketStatus.OPEN));
    }
    String[] keys = {source, source + "/" + name};
    s.onRead(
        from -> {
          enter(keys);
          try {
            Thread.sleep(ms);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "interrupted");
          } finally {
            leave(keys);
          }
        });
    return s;
  }

  boolean allBackfilled() {
    List<StreamStatus> status = sync.status();
    return !status.isEmpty() && status.stream().allMatch(StreamStatus::backfillDone);
  }

  @Test
  @Timeout(120)
  void twoHundredConnectorsRunOnTheCappedPoolAndIdleOnesHoldNoThread() throws Exception {
    SyncEngine sync = engine();
    List<ScriptedStream> streams = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ScriptedStream s = counted("c" + i, "tickets", 3, 1);
      streams.add(s);
      sync.add(SyncEngineTest.connector("c" + i, s), "test", Duration.ofHours(1));
    }
    sync.start();

    await("200 backfills").atMost(Duration.ofSeconds(90)).until(this::allBackfilled);
    int reads = streams.stream().mapToInt(s -> s.reads.get()).sum();
    await("every step ended").atMost(Duration.ofSeconds(10)).until(() -> sync.busy() == 0);

    assertThat(mostActive.get()).isBetween(1, SyncEngine.MAX_THREADS);
    assertThat(sync.threadsStarted()).isBetween(1, SyncEngine.MAX_THREADS);
    assertThat(readers).hasSizeLessThanOrEqualTo(SyncEngine.MAX_THREADS);
    assertThat(readers).allMatch(t -> t.getName().equals("cx-sync"));
    // idle: waiting an hour for their next poll, the 200 streams are timers, not threads
    assertThat(readers)
        .allMatch(
            t ->
                t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    assertThat(streams.stream().mapToInt(s -> s.reads.get()).sum()).isEqualTo(reads);
  }

  @Test
  @Timeout(120)
  void connectorsAddedWhileRunningShareTheSamePool() throws Exception {
    SyncEngine sync = engine();
    sync.add(
        SyncEngineTest.connector("first", counted("first", "tickets", 2, 1)),
        "test",
        Duration.ofHours(1));
    sync.start();
    for (int i = 0; i < 50; i++) {
      sync.add(
          SyncEngineTest.connector("late" + i, counted("late" + i, "tickets", 2, 2)),
          "test",
          Duration.ofHours(1));
    }

    await("51 backfills").atMost(Duration.ofSeconds(60)).until(this::allBackfilled);

    assertThat(sync.status()).hasSize(51);
    assertThat(sync.threadsStarted()).isBetween(2, SyncEngine.MAX_THREADS);
    assertThat(mostActive.get()).isLessThanOrEqualTo(SyncEngine.MAX_THREADS);
  }

  @Test
  @Timeout(120)
  void neverTwoStepsOfOneStreamAndAtMostHalfThePoolForOneConnector() throws Exception {
    SyncEngine sync = engine();
    List<String> names = List.of("a", "b", "c", "d");
    for (String source : names) {
      List<Stream> streams = new ArrayList<>();
      for (String stream : names) {
        streams.add(counted(source, stream, 15, 3));
      }
      sync.add(
          SyncEngineTest.connector(source, streams.toArray(Stream[]::new)),
          "test",
          Duration.ofMillis(20));
    }
    sync.start();

    await("every backfill").atMost(Duration.ofSeconds(60)).until(this::allBackfilled);

    for (String source : names) {
      assertThat(most(source))
          .as("steps of %s at once", source)
          .isBetween(1, SyncEngine.MAX_PER_CONNECTOR);
      for (String stream : names) {
        assertThat(most(source + "/" + stream))
            .as("steps of %s/%s at once", source, stream)
            .isOne();
      }
    }
    assertThat(mostActive.get()).isLessThanOrEqualTo(SyncEngine.MAX_THREADS);
  }

  @Test
  @Timeout(120)
  void aVendorThatHangsUntilItsTimeoutLeavesTheOthersOnSchedule() throws Exception {
    SyncEngine sync = engine();
    AtomicInteger hanging = new AtomicInteger();
    AtomicInteger mostHanging = new AtomicInteger();
    List<Stream> slowStreams = new ArrayList<>();
    for (int i = 0; i < SyncEngine.MAX_THREADS + 2; i++) {
      ScriptedStream s = new ScriptedStream("stream" + i).page();
      s.onRead(
          from -> {
            mostHanging.accumulateAndGet(hanging.incrementAndGet(), Math::max);
            try {
              timeout.await(); // every request hangs until its timeout: the end of the test
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              hanging.decrementAndGet();
            }
            throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "read timed out");
          });
      slowStreams.add(s);
    }
    sync.add(hangingCheck("slow", slowStreams), "test", Duration.ofSeconds(1));
    List<ScriptedStream> healthy = new ArrayList<>();
    for (String name : List.of("ok1", "ok2")) {
      ScriptedStream s = new ScriptedStream("tickets").page();
      healthy.add(s);
      sync.add(SyncEngineTest.connector(name, s), "test", Duration.ofMillis(50));
    }
    sync.start();

    await("the slow vendor holds its share")
        .atMost(Duration.ofSeconds(10))
        .until(() -> hanging.get() + slowChecks.get() == SyncEngine.MAX_PER_CONNECTOR);
    int before = healthy.stream().mapToInt(s -> s.reads.get()).min().orElseThrow();
    // polled every 50 ms, each healthy stream passes 20 more times in about a second
    await("the healthy connectors' passes")
        .atMost(Duration.ofSeconds(20))
        .until(() -> healthy.stream().allMatch(s -> s.reads.get() >= before + 20));

    assertThat(hanging.get() + slowChecks.get())
        .as("the slow vendor still hangs")
        .isEqualTo(SyncEngine.MAX_PER_CONNECTOR);
    assertThat(mostHanging.get()).isLessThanOrEqualTo(SyncEngine.MAX_PER_CONNECTOR);
    assertThat(sync.connectorsUp()).containsEntry("ok1", true).containsEntry("ok2", true);
  }

  final AtomicInteger slowChecks = new AtomicInteger();

  /** A connector whose check hangs like its streams' reads. */
  Connector hangingCheck(String name, List<Stream> streams) {
    return new Connector() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CheckResult check() {
        slowChecks.incrementAndGet();
        try {
          timeout.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          slowChecks.decrementAndGet();
        }
        return CheckResult.failed("timed out");
      }

      @Override
      public List<Stream> streams() {
        return streams;
      }

      @Override
      public void close() {}
    };
  }
}
