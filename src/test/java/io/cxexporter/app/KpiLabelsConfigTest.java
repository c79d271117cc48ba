package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.config.TagConfig;
import io.cxexporter.connector.demo.DemoConnectorFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpi.tags}, the assignee label, the histograms' dimensions and the series budget read into
 * the validated config.
 */
class KpiLabelsConfigTest {
  final ConfigLoader loader =
      new ConfigLoader(
          Map.of("CX_HASH_KEY", "k3y-from-env-0123456789")::get,
          Map.of("demo", new DemoConnectorFactory()));

  ExporterConfig load(Path dir, String kpi) throws Exception {
    Files.writeString(
        dir.resolve("cx.yml"), "kpi:\n" + kpi + "connectors: [{name: d, type: demo}]\n");
    return loader.load(dir.resolve("cx.yml"));
  }

  @Test
  void anAllowListIsKeptInOrderWithItsCap(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  tags: {allow: [vip, refund], max_values: 5}\n").kpi().tags())
        .isEqualTo(new TagConfig(List.of("vip", "refund"), 5));
  }

  @Test
  void anEmptyTagsBlockKeepsTheTwentyMostFrequentTags(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  tags: {}\n").kpi().tags()).isEqualTo(new TagConfig(List.of(), 20));
  }

  @Test
  void withoutTagsThereIsNoTagLabel(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  windows: [1h]\n").kpi().tags()).isNull();
  }

  @Test
  void theHistogramsCarryGroupByDefault(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  dimensions: [priority, group]\n").kpi().histogramDimensions())
        .containsExactly("group");
  }

  @Test
  void withoutTheGroupDimensionTheHistogramsCarryNoneByDefault(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  dimensions: [priority, channel]\n").kpi().histogramDimensions())
        .isEmpty();
  }

  @Test
  void anEmptyHistogramDimensionsListIsAllowed(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  histogram_dimensions: []\n").kpi().histogramDimensions()).isEmpty();
  }

  @Test
  void theHistogramDimensionsAreKeptInTheirOrder(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  histogram_dimensions: [channel, group]\n").kpi().histogramDimensions())
        .containsExactly("channel", "group");
  }

  @Test
  void theSeriesBudgetIsRead(@TempDir Path dir) throws Exception {
    assertThat(load(dir, "  max_series_per_source: 5000\n").kpi().maxSeriesPerSource())
        .isEqualTo(5000);
  }

  @Test
  void aDurationTargetIsForCalendarHoursWithoutASchedule(@TempDir Path dir) throws Exception {
    assertThat(
            load(dir, "  targets: [{kpi: resolution_seconds, stat: p90, window: 24h, max: 60}]\n")
                .kpi()
                .targets()
                .get(0)
                .hours())
        .isEqualTo("calendar");
  }

  @Test
  void twoGoalsMayDifferByHoursOnly(@TempDir Path dir) throws Exception {
    assertThat(
            load(
                    dir,
                    "  business_hours: {timezone: UTC, week: {mon: \"08:00-17:00\"}}\n"
                        + "  targets:\n"
                        + "    - {kpi: resolution_seconds, stat: p90, window: 24h, max: 60}\n"
                        + "    - {kpi: resolution_seconds, stat: p90, window: 24h, max: 90,"
                        + " hours: calendar}\n")
                .kpi()
                .targets()
                .stream()
                .map(t -> t.hours() + " " + t.value()))
        .containsExactly("business 60.0", "calendar 90.0");
  }

  @Test
  void theHashKeyComesFromTheEnvironment(@TempDir Path dir) throws Exception {
    ExporterConfig c =
        load(
            dir,
            "  dimensions: [group, assignee]\n"
                + "  assignee_label: hash\n"
                + "  assignee_hash_key: ${CX_HASH_KEY}\n");
    assertThat(c.kpi().assigneeLabel()).isEqualTo("hash");
    assertThat(c.kpi().assigneeHashKey().reveal()).isEqualTo("k3y-from-env-0123456789");
    assertThat(c.toString()).doesNotContain("k3y-from-env");
  }

  @Test
  void theHashKeyComesFromAFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("key"), "k3y-from-a-file-0123456789\n");
    ExporterConfig c = load(dir, "  assignee_label: hash\n  assignee_hash_key_file: key\n");
    assertThat(c.kpi().assigneeHashKey().reveal()).isEqualTo("k3y-from-a-file-0123456789");
  }

  @Test
  void assigneeNamesAreTheDefault(@TempDir Path dir) throws Exception {
    ExporterConfig c = load(dir, "  dimensions: [assignee]\n");
    assertThat(c.kpi().assigneeLabel()).isEqualTo("name");
    assertThat(c.kpi().assigneeHashKey()).isNull();
  }

  @Test
  void agentIdsAreAcceptedWithoutAKey(@TempDir Path dir) throws Exception {
    ExporterConfig c = load(dir, "  dimensions: [group, assignee]\n  assignee_label: id\n");
    assertThat(c.kpi().assigneeLabel()).isEqualTo("id");
    assertThat(c.kpi().assigneeHashKey()).isNull();
  }
}
