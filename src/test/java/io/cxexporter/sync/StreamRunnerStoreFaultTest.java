package io.cxexporter.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.metrics.SelfMetrics;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Store;
import io.cxexporter.store.StoreFaults;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.ScriptedStream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk during a run is a store error like any other, and heals when space is freed. */
class StreamRunnerStoreFaultTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(StreamRunnerTest.NOW);
  final PrometheusRegistry registry = new PrometheusRegistry();
  final SelfMetrics self = SelfMetrics.register(registry, "test", "test");

  double storeErrors() {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals("cx_connector_errors"))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .filter(d -> d.getLabels().get("kind").equals("store"))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  static double backlog(KpiEngine kpi) {
    return kpi.compute().find("tickets_open", Map.of("source", "zd")).stream()
        .mapToDouble(KpiSeries::value)
        .sum();
  }

  @Test
  void aFullDiskKeepsTheCursorAndTheLastValuesCountsAStoreErrorAndHeals() {
    ScriptedStream tickets =
        new ScriptedStream("tickets")
            .page(
                StreamRunnerTest.t("1", 50, TicketStatus.OPEN),
                StreamRunnerTest.t("2", 49, TicketStatus.OPEN))
            .page(
                IntStream.range(0, 2000)
                    .mapToObj(i -> StreamRunnerTest.t("b" + i, 30, TicketStatus.OPEN))
                    .toArray(Record[]::new));
    try (Store store = Store.open(dir, clock)) {
      KpiEngine kpi = new KpiEngine(Configs.kpi(), clock);
      StreamRunner r =
          new StreamRunner(
              "zd",
              "test",
              tickets,
              store,
              kpi,
              () -> {},
              t -> {},
              () -> {},
              () -> {},
              self,
              clock,
              new Backoff(new SplittableRandom(1)),
              false,
              new Generation());
      assertThat(r.step().more()).isTrue();
      StoreFaults.fillDisk(store);

      for (int attempt = 1; attempt <= 2; attempt++) {
        StreamRunner.Step failed = r.step();
        assertThat(failed.more()).isFalse();
        assertThat(failed.retry()).isNotNull();
        assertThat(storeErrors()).isEqualTo(attempt);
        assertThat(store.state("zd", "tickets").cursor()).isEqualTo(new Cursor("1"));
        assertThat(backlog(kpi)).as("the last good values").isEqualTo(2);
      }

      StoreFaults.freeSpace(store);
      StreamRunner.Step healed = r.step();

      assertThat(healed.more()).isFalse();
      assertThat(healed.retry()).isNull();
      assertThat(store.state("zd", "tickets").cursor()).isEqualTo(new Cursor("2"));
      assertThat(store.count("zd")).isEqualTo(2002);
      assertThat(backlog(kpi)).isEqualTo(2002);
      assertThat(storeErrors()).isEqualTo(2);
    }
  }
}
