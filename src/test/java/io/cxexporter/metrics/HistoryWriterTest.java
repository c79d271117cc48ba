package io.cxexporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxexporter.kpi.KpiSeries;
import io.cxexporter.kpi.KpiSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryWriterTest {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final long S0 = T0.getEpochSecond();

  @TempDir Path tmp;

  static String write(HistoryWriter w) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.writeTo(out, n -> {});
    return out.toString(StandardCharsets.UTF_8);
  }

  static KpiSeries csat(String window, double v) {
    return new KpiSeries("kpi_csat_ratio", List.of("source", "window"), List.of("zd", window), v);
  }

  static KpiSeries created(double v) {
    return new KpiSeries(
        "kpi_tickets_created", List.of("source", "window"), List.of("zd", "1h"), v);
  }

  @Test
  void writesEachFamilyOnceWithItsSeriesTogetherInTimeOrderThenEof() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      for (int i = 0; i < 2; i++) {
        w.step(T0.plusSeconds(300L * i));
        w.addKpis(
            new KpiSnapshot(
                T0, List.of(csat("7d", 0.5 + i / 10.0), created(3 + i), csat("1h", 1))));
      }
      String text = write(w);

      assertThat(text)
          .isEqualTo(
              "# TYPE cx_kpi_csat_ratio gauge\n"
                  + "# UNIT cx_kpi_csat_ratio ratio\n"
                  + "# HELP cx_kpi_csat_ratio "
                  + MetricNames.kpiHelp("csat_ratio")
                  + "\n"
                  + "cx_kpi_csat_ratio{source=\"zd\",window=\"7d\"} 0.5 "
                  + S0
                  + "\n"
                  + "cx_kpi_csat_ratio{source=\"zd\",window=\"7d\"} 0.6 "
                  + (S0 + 300)
                  + "\n"
                  + "cx_kpi_csat_ratio{source=\"zd\",window=\"1h\"} 1 "
                  + S0
                  + "\n"
                  + "cx_kpi_csat_ratio{source=\"zd\",window=\"1h\"} 1 "
                  + (S0 + 300)
                  + "\n"
                  + "# TYPE cx_kpi_tickets_created gauge\n"
                  + "# HELP cx_kpi_tickets_created "
                  + MetricNames.kpiHelp("tickets_created")
                  + "\n"
                  + "cx_kpi_tickets_created{source=\"zd\",window=\"1h\"} 3 "
                  + S0
                  + "\n"
                  + "cx_kpi_tickets_created{source=\"zd\",window=\"1h\"} 4 "
                  + (S0 + 300)
                  + "\n"
                  + "# EOF\n");
    }
  }

  @Test
  void addsTheExtraLabelsSortedAmongTheSeriesLabels() throws Exception {
    try (HistoryWriter w =
        HistoryWriter.create(tmp, Map.of("job", "cx-exporter", "instance", "host:9877"))) {
      w.step(T0);
      w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5))));

      assertThat(write(w))
          .contains(
              "\ncx_kpi_csat_ratio{instance=\"host:9877\",job=\"cx-exporter\",source=\"zd\","
                  + "window=\"7d\"} 0.5 "
                  + S0
                  + "\n");
    }
  }

  @Test
  void escapesBackslashQuoteAndNewlineInLabelValues() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of("job", "a\\b\"c\nd"))) {
      w.step(T0);
      w.add("kpi_csat_ratio", List.of("group"), List.of("x\"y"), 1);

      assertThat(write(w))
          .contains("cx_kpi_csat_ratio{group=\"x\\\"y\",job=\"a\\\\b\\\"c\\nd\"} 1 " + S0 + "\n");
    }
  }

  @Test
  void writesNanInfinitiesAndMillisecondTimestamps() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.25};
      long[] millis = {1, 10, 100, 999};
      for (int i = 0; i < values.length; i++) {
        w.step(T0.plusMillis(millis[i]));
        w.add("kpi_nps_score", List.of("source"), List.of("zd"), values[i]);
      }

      assertThat(write(w).lines().filter(l -> !l.startsWith("#")))
          .containsExactly(
              "cx_kpi_nps_score{source=\"zd\"} NaN " + S0 + ".001",
              "cx_kpi_nps_score{source=\"zd\"} +Inf " + S0 + ".010",
              "cx_kpi_nps_score{source=\"zd\"} -Inf " + S0 + ".100",
              "cx_kpi_nps_score{source=\"zd\"} 1.25 " + S0 + ".999");
    }
  }

  @Test
  void keepsASeriesThatAppearsLateWithOnlyItsOwnInstants() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5))));
      w.step(T0.plusSeconds(60));
      w.addKpis(new KpiSnapshot(T0, List.of(csat("1h", 1), csat("7d", 0.7))));

      assertThat(write(w).lines().filter(l -> !l.startsWith("#")))
          .containsExactly(
              "cx_kpi_csat_ratio{source=\"zd\",window=\"7d\"} 0.5 " + S0,
              "cx_kpi_csat_ratio{source=\"zd\",window=\"7d\"} 0.7 " + (S0 + 60),
              "cx_kpi_csat_ratio{source=\"zd\",window=\"1h\"} 1 " + (S0 + 60));
    }
  }

  @Test
  void writesOnlyTheKpiFamiliesOfASnapshotTagSeriesIncluded() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      KpiSeries open =
          new KpiSeries("tickets_open", List.of("source", "status"), List.of("zd", "open"), 4);
      KpiSeries tag =
          new KpiSeries(
              "kpi_csat_ratio", List.of("source", "tag", "window"), List.of("zd", "vip", "7d"), 1);
      w.addKpis(new KpiSnapshot(T0, List.of(open, csat("7d", 0.5)), List.of(tag)));

      assertThat(write(w).lines().filter(l -> !l.startsWith("#")))
          .containsExactly(
              "cx_kpi_csat_ratio{source=\"zd\",window=\"7d\"} 0.5 " + S0,
              "cx_kpi_csat_ratio{source=\"zd\",tag=\"vip\",window=\"7d\"} 1 " + S0);
    }
  }

  @Test
  void describesTheOpenTicketsHistoryFamily() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      w.add("tickets_open_total_history", List.of("source"), List.of("zd"), 12);

      assertThat(write(w))
          .startsWith(
              "# TYPE cx_tickets_open_total_history gauge\n"
                  + "# HELP cx_tickets_open_total_history Open tickets")
          .contains("status history is not kept")
          .endsWith("cx_tickets_open_total_history{source=\"zd\"} 12 " + S0 + "\n# EOF\n");
    }
  }

  @Test
  void refusesTimeThatDoesNotMoveForward() {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      assertThatThrownBy(() -> w.step(T0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "2026-11-01T00:00:00Z is not after the previous instant 2026-11-01T00:00:00Z");
    }
  }

  @Test
  void refusesTheSameSeriesTwiceAtOneInstant() {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5))));
      assertThatThrownBy(() -> w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5)))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("twice at one instant");
    }
  }

  @Test
  void refusesAnExtraLabelTheSeriesAlreadyCarry() {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of("source", "x"))) {
      w.step(T0);
      assertThatThrownBy(() -> w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5)))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("label source: cx_kpi_csat_ratio already carries it; choose another name");
    }
  }

  @Test
  void refusesAnInvalidOrReservedLabelName() {
    assertThatThrownBy(() -> HistoryWriter.create(tmp, Map.of("1job", "x")))
        .hasMessage("not a label name: \"1job\"");
    assertThatThrownBy(() -> HistoryWriter.create(tmp, Map.of("__name__", "x")))
        .hasMessage("not a label name: \"__name__\"");
  }

  @Test
  void deletesItsSpillFilesWhenClosed() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5), created(1))));
      try (Stream<Path> files = Files.walk(tmp)) {
        assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(2);
      }
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void reportsProgressAfterEachFamily() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      w.addKpis(new KpiSnapshot(T0, List.of(csat("7d", 0.5), csat("1h", 1), created(1))));
      List<Long> seen = new ArrayList<>();
      w.writeTo(new ByteArrayOutputStream(), seen::add);

      assertThat(seen).containsExactly(2L, 3L);
      assertThat(w.samples()).isEqualTo(3);
      assertThat(w.series()).isEqualTo(3);
      assertThat(w.families()).isEqualTo(2);
    }
  }

  @Test
  void keepsSeriesApartWhoseLabelNamesDifferWithEqualValues() throws Exception {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      for (int i = 0; i < 2; i++) {
        w.step(T0.plusSeconds(60L * i));
        w.add("kpi_backlog", List.of("source", "group"), List.of("zd", "x"), 1 + i);
        w.add("kpi_backlog", List.of("source", "priority"), List.of("zd", "x"), 10 + i);
        w.add("kpi_backlog", List.of("source"), List.of("zd"), 100 + i);
      }

      assertThat(write(w).lines().filter(l -> !l.startsWith("#")))
          .containsExactly(
              "cx_kpi_backlog{group=\"x\",source=\"zd\"} 1 " + S0,
              "cx_kpi_backlog{group=\"x\",source=\"zd\"} 2 " + (S0 + 60),
              "cx_kpi_backlog{priority=\"x\",source=\"zd\"} 10 " + S0,
              "cx_kpi_backlog{priority=\"x\",source=\"zd\"} 11 " + (S0 + 60),
              "cx_kpi_backlog{source=\"zd\"} 100 " + S0,
              "cx_kpi_backlog{source=\"zd\"} 101 " + (S0 + 60));
      assertThat(w.series()).isEqualTo(3);
    }
  }

  @Test
  void findsASeriesByEqualLabelsNotOnlyByTheSameStrings() {
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of())) {
      w.step(T0);
      w.add("kpi_backlog", List.of("source", "group"), List.of("zd", "x"), 1);
      assertThatThrownBy(
              () ->
                  w.add(
                      "kpi_backlog",
                      List.of(new String("source"), new String("group")),
                      List.of(new String("zd"), new String("x")),
                      2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("twice at one instant: cx_kpi_backlog{group=\"x\",source=\"zd\"} ");
    }
  }

  @Test
  void writesManySeriesAndStepsThroughItsBuffers() throws Exception {
    // 250 series x 1,000 steps, some missing at some steps: more than one spill buffer, read
    // buffer, output chunk and formatted part
    int series = 250;
    int steps = 1000;
    StringBuilder expected = new StringBuilder();
    try (HistoryWriter w = HistoryWriter.create(tmp, Map.of("job", "j"))) {
      for (int s = 0; s < steps; s++) {
        w.step(T0.plusSeconds(300L * s));
        for (int i = 0; i < series; i++) {
          if (s == 0 || (i + s) % 7 != 0) {
            w.add("kpi_wait_seconds", List.of("group"), List.of("g" + i), s * 0.25 + i);
          }
        }
      }
      for (int i = 0; i < series; i++) {
        for (int s = 0; s < steps; s++) {
          if (s == 0 || (i + s) % 7 != 0) {
            StringBuilder v = new StringBuilder();
            HistoryWriter.value(v, s * 0.25 + i);
            expected
                .append("cx_kpi_wait_seconds{group=\"g")
                .append(i)
                .append("\",job=\"j\"} ")
                .append(v)
                .append(' ')
                .append(S0 + 300L * s)
                .append('\n');
          }
        }
      }
      String text = write(w);

      assertThat(text.substring(text.indexOf("\ncx_") + 1)).isEqualTo(expected + "# EOF\n");
    }
  }
}
