package io.cxexporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.connector.Connector;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Stream;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Store;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.ScriptedStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler: streams share the pool page by page. */
class SyncEngineTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(StreamRunnerTest.NOW);
  final SelfMetrics self = SelfMetrics.register(new PrometheusRegistry(), "test", "test");

  /** Every read started, in order: "slow3 page 2", "quick page 1". */
  final BlockingQueue<String> reads = new LinkedBlockingQueue<>();

  /** One permit lets one slow page finish: the test decides when each page's time is up. */
  final Semaphore pageDone = new Semaphore(0);

  @Test
  @Timeout(60)
  void aBackfillYieldsItsThreadAfterEveryPage() throws Exception {
    int slowStreams = SyncEngine.MAX_THREADS + 1;
    try (Store store = Store.open(dir, clock);
        SyncEngine sync =
            new SyncEngine(
                store,
                new KpiEngine(Configs.kpi(), clock),
                () -> {},
                t -> {},
                () -> {},
                self,
                clock)) {
      for (int i = 1; i <= slowStreams; i++) {
        String name = "slow" + i;
        ScriptedStream slow = new ScriptedStream("tickets");
        for (int p = 0; p < 50; p++) {
          slow.page();
        }
        slow.onRead(
            from -> {
              reads.add(name + " page " + page(from));
              holdUntilDone();
            });
        sync.add(connector(name, slow), "test", Duration.ofHours(1));
      }
      ScriptedStream quick =
          new ScriptedStream("tickets").page(StreamRunnerTest.t("1", 5, TicketStatus.OPEN));
      quick.onRead(from -> reads.add("quick page " + page(from)));
      sync.add(connector("quick", quick), "test", Duration.ofHours(1));

      sync.start();
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < SyncEngine.MAX_THREADS; i++) {
        seen.add(next()); // every thread is now held in a slow first page
      }
      // Let one slow page finish at a time: only that page's thread moves, so what it reads next
      // is what the scheduler ran next, in a fixed order.
      for (int done = 0; done < 2 * slowStreams && !seen.contains("quick page 1"); done++) {
        pageDone.release();
        seen.add(next());
      }

      assertThat(seen)
          .as("the quick stream is read before any slow stream reads its second page")
          .contains("quick page 1");
      assertThat(seen.subList(0, seen.indexOf("quick page 1")))
          .allMatch(read -> read.endsWith(" page 1"));
      assertThat(seen).hasSize(SyncEngine.MAX_THREADS + 2); // two slow pages done: a page time
    }
  }

  /** Takes the next read, failing after a generous deadline rather than hanging. */
  private String next() throws InterruptedException {
    String read = reads.poll(20, TimeUnit.SECONDS);
    assertThat(read).as("a read within 20 s").isNotNull();
    return read;
  }

  private void holdUntilDone() throws ConnectorException {
    try {
      if (!pageDone.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "test gave up");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the engine is closing
      throw new ConnectorException(ConnectorException.Kind.TRANSIENT, "interrupted");
    }
  }

  /** The 1-based page a read from {@code from} serves. */
  private static int page(Cursor from) {
    return from.isStart() ? 1 : Integer.parseInt(from.value()) + 1;
  }

  static Connector connector(String name, Stream... streams) {
    return new Connector() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CheckResult check() {
        return CheckResult.ok("test");
      }

      @Override
      public List<Stream> streams() {
        return List.of(streams);
      }

      @Override
      public void close() {}
    };
  }
}
