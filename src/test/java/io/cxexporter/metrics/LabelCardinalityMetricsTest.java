package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.config.TagConfig;
import io.cxexporter.kpi.KpiEngine;
import io.cxexporter.model.Priority;
import io.cxexporter.model.Record;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Change;
import io.cxexporter.testing.Configs;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.testing.Tools;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile label values on {@code /metrics}: 5,000 distinct groups are folded into {@code other}
 * with a bounded series count, and quotes, backslashes, newlines, markup, invalid UTF-8 and 10 kB
 * names keep the exposition valid ({@code promtool check metrics}) and short.
 */
class LabelCardinalityMetricsTest {
  static final Instant NOW = Instant.parse("2026-11-18T12:00:00Z");
  static final KpiConfig CONFIG = Configs.kpi();

  @TempDir Path dir;

  static Ticket ticket(String id, String group) {
    Instant created = NOW.minusSeconds(3600);
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(created.plusSeconds(900))
        .status(TicketStatus.SOLVED)
        .priority(Priority.NORMAL)
        .group(group)
        .channel("email")
        .firstReplyAt(created.plusSeconds(120))
        .solvedAt(created.plusSeconds(900))
        .build();
  }

  static List<Record> groups(int n, String prefix) {
    List<Record> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ticket(prefix + i, String.format("%s%05d", prefix, i)));
    }
    return out;
  }

  /** {@code /metrics} of the KPI metrics after a start-up load of {@code records}. */
  static String scrape(List<Record> records, List<Record> live) throws Exception {
    return scrape(CONFIG, records, live);
  }

  static String scrape(KpiConfig config, List<Record> records, List<Record> live) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    KpiEngine engine = new KpiEngine(config, new MutableClock(NOW));
    TransitionMetrics metrics =
        TransitionMetrics.register(registry, config.dimensions(), config.tags() != null);
    SnapshotCollector collector = SnapshotCollector.register(registry);
    engine.load("zd", action -> records.forEach(r -> action.accept("tickets", r)));
    metrics.initialize(engine.drainNewLabels());
    collector.update(engine.compute());
    if (!live.isEmpty()) {
      List<Change> changes = new ArrayList<>();
      live.forEach(r -> changes.add(new Change("tickets", null, r)));
      var t = engine.apply("zd", changes, true);
      metrics.initialize(engine.drainNewLabels());
      metrics.record(t);
      collector.update(engine.compute());
    }
    return LiveScrape.text(registry);
  }

  static long series(String text) {
    return text.lines().filter(l -> l.startsWith("cx_")).count();
  }

  @Test
  void fiveThousandGroupsKeepTheSeriesCountBounded() throws Exception {
    int max = CONFIG.maxLabelValues();
    // the bound: the series of max kept groups plus one folded one; any more groups only add to
    // other, so 5,000 groups must not have more series than max + 1
    long bound = series(scrape(groups(max + 1, "g"), List.of()));
    String text = scrape(groups(5_000, "g"), groups(5_000, "live"));

    assertThat(series(text))
        .as("cx_ series with 10,000 groups vs %d kept + other (%d)", max, bound)
        .isLessThanOrEqualTo(bound);
    assertThat(
            text.lines()
                .filter(l -> l.contains("group=\"g"))
                .map(l -> l.replaceAll(".*group=\"(g\\d+)\".*", "$1"))
                .distinct()
                .count())
        .isEqualTo(max);
    assertThat(text)
        .contains("cx_label_values_folded{label=\"group\",source=\"zd\"} 9950.0")
        .contains("cx_label_values_folded{label=\"channel\",source=\"zd\"} 0.0")
        .contains("group=\"other\"");
  }

  static List<Record> tagged(int n, String prefix) {
    List<Record> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Ticket t = ticket(prefix + i, "Billing");
      out.add(t.toBuilder().tags(List.of(String.format("%s%05d", prefix, i))).build());
    }
    return out;
  }

  @Test
  void fiveThousandTagsKeepTheSeriesCountBounded() throws Exception {
    KpiConfig config = CONFIG.withTags(new TagConfig(List.of(), 20));
    // the bound: 20 kept tags plus other (and none) after a load and a live page, as below;
    // any more tags only add to other
    long bound = series(scrape(config, tagged(21, "t"), tagged(21, "live")));
    String text = scrape(config, tagged(5_000, "t"), tagged(5_000, "live"));

    assertThat(series(text))
        .as("cx_ series with 10,000 tags vs 20 kept + other (%d)", bound)
        .isLessThanOrEqualTo(bound);
    assertThat(
            text.lines()
                .filter(l -> l.contains("tag=\"t"))
                .map(l -> l.replaceAll(".*tag=\"(t\\d+)\".*", "$1"))
                .distinct()
                .count())
        .isEqualTo(20);
    assertThat(text)
        .contains("cx_label_values_folded{label=\"tag\",source=\"zd\"} 9980.0")
        .contains("tag=\"other\"");
  }

  @Test
  void hostileLabelTextStaysValidAndShort() throws Exception {
    String tenKb = "x".repeat(10_000);
    List<String> hostile =
        List.of(
            "quote\"d",
            "back\\slash\\",
            "new\nline",
            "<script>alert('x')</script>",
            "bad utf-8 \uD800 \uFFFD",
            tenKb);
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < hostile.size(); i++) {
      records.add(ticket("h" + i, hostile.get(i)));
    }
    String text = scrape(records, List.of());

    assertThat(text)
        .contains("group=\"quote\\\"d\"")
        .contains("group=\"back\\\\slash\\\\\"")
        .contains("group=\"new\\nline\"")
        .contains("x".repeat(255) + "…\"")
        .doesNotContain("x".repeat(256));
    assertThat(text.lines().mapToInt(String::length).max().orElse(0)).isLessThan(1_000);

    Tools.assertPromtoolAccepts(dir, text);
  }
}
