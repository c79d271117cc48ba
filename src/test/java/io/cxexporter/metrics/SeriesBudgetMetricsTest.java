package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code kpi.max_series_per_source}: the series a source's label combinations create (the four
 * ticket counters per combination, 18 series of each ticket histogram per {@code hours} and
 * histogram label set) stay within the budget, new combinations past it fold into {@code other},
 * and {@code cx_series_dropped_total} counts each folded combination once.
 *
 * <p>The config: dimensions group, priority, channel; histograms by group; business hours (two
 * {@code hours} values); no SLA. A new group costs 4 + 2 × 2 × 18 = 76 series, a new combination of
 * a group already admitted 4; the all-{@code other} combination is kept room for (76).
 */
class SeriesBudgetMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");
  static final KpiConfig CONFIG = Configs.kpi().withCardinality(List.of("group"), 500);

  /** The families the budget counts, as sample lines of a source. */
  static final Pattern COUNTED =
      Pattern.compile(
          "^cx_(tickets_(created|solved|reopened|escalated)_total"
              + "|ticket_(first_response|resolution)_seconds_(bucket|sum|count))\\{.*source=\"zd\".*");

  static Ticket ticket(String id, String group, String channel) {
    Instant created = NOW.minusSeconds(3600);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created.plusSeconds(900))
        .status(TicketStatus.SOLVED)
        .priority(Priority.NORMAL)
        .group(group)
        .channel(channel)
        .firstReplyAt(created.plusSeconds(120))
        .solvedAt(created.plusSeconds(900))
        .build();
  }

  /** Tickets of groups g00 .. g{n-1}, one each, by email, in that order. */
  static List<Record> groups(int n) {
    List<Record> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String g = String.format("g%02d", i);
      out.add(ticket("t-" + g, g, "email"));
    }
    return out;
  }

  /**
   * {@code /metrics} after {@code live} arrived live (one page each), after a load of {@code
   * stored}.
   */
  static String scrape(KpiConfig config, List<Record> stored, List<List<Record>> live)
      throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    KpiEngine engine = new KpiEngine(config, new MutableClock(NOW));
    TransitionMetrics metrics = TransitionMetrics.register(registry, config);
    SnapshotCollector collector = SnapshotCollector.register(registry);
    engine.load("zd", action -> stored.forEach(r -> action.accept("tickets", r)));
    metrics.initialize(engine.drainNewLabels());
    for (List<Record> page : live) {
      var t =
          engine.apply("zd", page.stream().map(r -> new Change("tickets", null, r)).toList(), true);
      metrics.initialize(engine.drainNewLabels());
      metrics.record(t);
    }
    collector.update(engine.compute());
    return LiveScrape.text(registry);
  }

  static long counted(String text) {
    return text.lines().filter(l -> COUNTED.matcher(l).matches()).count();
  }

  static List<String> counterGroups(String text) {
    return text.lines()
        .filter(l -> l.startsWith("cx_tickets_created_total{"))
        .map(l -> l.replaceAll(".*channel=\"([^\"]*)\",group=\"([^\"]*)\".*", "$2/$1"))
        .sorted()
        .toList();
  }

  @Test
  void pastTheBudgetNewGroupsFoldIntoOtherAndEachFoldIsCounted() throws Exception {
    String text = scrape(CONFIG, List.of(), List.of(groups(20)));

    // g00..g04 fit (5 × 76 + 76 kept for other = 456 ≤ 500); g05 does not: its new value folds,
    // (other, normal, email) fits in the room kept; g06..g19 fold into it
    assertThat(counterGroups(text))
        .containsExactly(
            "g00/email", "g01/email", "g02/email", "g03/email", "g04/email", "other/email");
    assertThat(counted(text)).isEqualTo(6 * 4 + 6 * 2 * 2 * 18).isEqualTo(456);
    assertThat(text).contains("cx_series_dropped_total{source=\"zd\"} 15.0");
    assertThat(text)
        .contains(
            "cx_tickets_created_total{channel=\"email\",group=\"other\",priority=\"normal\","
                + "source=\"zd\"} 15.0");
  }

  @Test
  void theLastRoomGoesToTheAllOtherCombination() throws Exception {
    List<Record> channels = new ArrayList<>();
    for (int i = 0; i <= 10; i++) {
      channels.add(ticket("t-c" + i, "g00", String.format("c%02d", i)));
    }
    String text = scrape(CONFIG, List.of(), List.of(groups(20), channels));

    // after the first page (456), a new channel of g00 costs 4 (its histograms exist) and the
    // all-other combination 4 more (group="other" histograms exist): c00..c09 fit (496); for c10
    // neither (g00, normal, c10) nor (g00, normal, other) fits, so it becomes
    // (other, other, other), which is always admitted: exactly the budget
    assertThat(counterGroups(text))
        .contains("g00/c00", "g00/c09", "other/other")
        .doesNotContain("g00/c10", "g00/other")
        .hasSize(6 + 10 + 1);
    assertThat(counted(text)).isEqualTo(500).isEqualTo(CONFIG.maxSeriesPerSource());
    assertThat(text).contains("cx_series_dropped_total{source=\"zd\"} 16.0");
    assertThat(text)
        .contains(
            "cx_tickets_created_total{channel=\"other\",group=\"other\",priority=\"other\","
                + "source=\"zd\"} 1.0");
  }

  @Test
  void atStartTheCombinationsOfMostTicketsKeepTheirLabelsWhateverTheReadOrder() throws Exception {
    List<Record> stored = new ArrayList<>(groups(10)); // g00..g09 one ticket each, read first
    for (int i = 0; i < 3; i++) {
      stored.add(ticket("big-" + i, "zz-big", "email"));
    }
    for (int i = 0; i < 2; i++) {
      stored.add(ticket("mid-" + i, "zz-mid", "email"));
    }
    String text = scrape(CONFIG, stored, List.of());

    // admitted by tickets carried, ties by value: zz-big (3), zz-mid (2), g00, g01, g02
    assertThat(counterGroups(text))
        .containsExactly(
            "g00/email", "g01/email", "g02/email", "other/email", "zz-big/email", "zz-mid/email");
    assertThat(counted(text)).isEqualTo(456);
    assertThat(text).contains("cx_series_dropped_total{source=\"zd\"} 7.0");
    // history read at start feeds no counter, but the KPI gauges see the fold too
    assertThat(text)
        .contains("cx_kpi_tickets_created{group=\"other\",source=\"zd\",window=\"24h\"} 7.0");
  }

  @Test
  void aReloadsNewEngineFoldingTheSameCombinationsAgainCountsNothingTwice() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    TransitionMetrics metrics = TransitionMetrics.register(registry, CONFIG);
    metrics.initialize(dropped(15)); // the first engine's running total
    metrics.initialize(dropped(15)); // nothing new since
    metrics.initialize(dropped(15)); // a reload's new engine loaded the same store
    metrics.initialize(dropped(17)); // two more folded since

    assertThat(
            registry.scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("cx_series_dropped"))
                .flatMap(m -> m.getDataPoints().stream())
                .mapToDouble(
                    d ->
                        ((io.prometheus.metrics.model.snapshots.CounterSnapshot
                                    .CounterDataPointSnapshot)
                                d)
                            .getValue())
                .boxed()
                .toList())
        .containsExactly(17.0);
  }

  static io.cxexporter.kpi.SeenLabels dropped(long total) {
    return new io.cxexporter.kpi.SeenLabels(
        List.of(),
        List.of(),
        List.of(),
        true,
        List.of(),
        List.of(),
        List.of(),
        java.util.Map.of("zd", total));
  }

  @Test
  void theDroppedCounterStartsAtZeroForEverySource() throws Exception {
    String text = scrape(CONFIG, List.of(), List.of());

    assertThat(text).contains("cx_series_dropped_total{source=\"zd\"} 0.0");
  }

  @Test
  void theDefaultBudgetFoldsNothingOfTwentyGroups() throws Exception {
    String text = scrape(Configs.kpi(), List.of(), List.of(groups(20)));

    assertThat(counterGroups(text)).hasSize(20).noneMatch(g -> g.startsWith("other"));
    assertThat(counted(text)).isEqualTo(20 * 4 + 20 * 2 * 2 * 18);
    assertThat(text).contains("cx_series_dropped_total{source=\"zd\"} 0.0");
  }
}
