package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.KpiConfig;
import io.cxexporter.model.Record;
import io.cxexporter.testing.Configs;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code kpi.histogram_dimensions}: the ticket histograms carry only those dimensions (besides
 * {@code source}, {@code hours}, {@code le}) and observe every ticket in them; the counters and the
 * {@code cx_kpi_*} gauges keep every dimension.
 */
class HistogramDimensionsTest {

  /** Two groups × two channels, solved live. */
  static final List<Record> TICKETS =
      List.of(
          SeriesBudgetMetricsTest.ticket("a1", "A", "email"),
          SeriesBudgetMetricsTest.ticket("a2", "A", "chat"),
          SeriesBudgetMetricsTest.ticket("b1", "B", "email"),
          SeriesBudgetMetricsTest.ticket("b2", "B", "chat"));

  static Set<String> labelNames(String text, String prefix) {
    Set<String> names = new TreeSet<>();
    text.lines()
        .filter(l -> l.startsWith(prefix + "{"))
        .forEach(
            l -> {
              for (String pair : l.substring(l.indexOf('{') + 1, l.indexOf('}')).split(",")) {
                names.add(pair.substring(0, pair.indexOf('=')));
              }
            });
    return names;
  }

  static String scrape(KpiConfig config) throws Exception {
    return SeriesBudgetMetricsTest.scrape(config, List.of(), List.of(TICKETS));
  }

  @Test
  void byDefaultTheHistogramsCarryGroupOnly() throws Exception {
    String text = scrape(Configs.kpi());

    assertThat(labelNames(text, "cx_ticket_resolution_seconds_bucket"))
        .containsExactly("group", "hours", "le", "source");
    assertThat(labelNames(text, "cx_ticket_first_response_seconds_count"))
        .containsExactly("group", "hours", "source");
    // two channels of a group fall into one series: both solves observed there
    assertThat(text)
        .contains(
            "cx_ticket_resolution_seconds_count{group=\"A\",hours=\"calendar\",source=\"zd\"} 2")
        .contains(
            "cx_ticket_resolution_seconds_bucket{group=\"B\",hours=\"calendar\",source=\"zd\","
                + "le=\"900.0\"} 2");
    assertThat(labelNames(text, "cx_tickets_solved_total"))
        .containsExactly("channel", "group", "priority", "source");
    assertThat(text)
        .contains(
            "cx_kpi_resolution_seconds{channel=\"chat\",hours=\"calendar\",source=\"zd\","
                + "stat=\"p90\",window=\"24h\"} 900.0");
  }

  @Test
  void noHistogramDimensionsLeaveSourceAndHours() throws Exception {
    String text = scrape(Configs.kpi().withCardinality(List.of(), 20_000));

    assertThat(labelNames(text, "cx_ticket_resolution_seconds_bucket"))
        .containsExactly("hours", "le", "source");
    assertThat(text)
        .contains("cx_ticket_resolution_seconds_count{hours=\"calendar\",source=\"zd\"} 4")
        .contains("cx_ticket_resolution_seconds_count{hours=\"business\",source=\"zd\"} 4");
  }

  @Test
  void everyDimensionIsStillAllowed() throws Exception {
    String text =
        scrape(Configs.kpi().withCardinality(List.of("group", "priority", "channel"), 20_000));

    assertThat(labelNames(text, "cx_ticket_resolution_seconds_bucket"))
        .containsExactly("channel", "group", "hours", "le", "priority", "source");
  }
}
