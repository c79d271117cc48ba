package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cxexporter.config.ConfigException;
import io.cxexporter.config.KpiTarget;
import io.cxexporter.config.SlaPolicy;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.demo.DemoConnectorFactory;
import io.cxexporter.model.Priority;
import io.cxexporter.store.OnCorruption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  static final Path INVALID = Path.of("src/test/resources/config/invalid");
  static final Map<String, ConnectorFactory<?>> FACTORIES =
      Map.of("demo", new DemoConnectorFactory());

  final ConfigLoader loader =
      new ConfigLoader(Map.of("CX_TEST_TOKEN", "s3cr3t-token", "CX_PORT", "9988")::get, FACTORIES);

  static Stream<Path> invalidConfigs() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList().stream();
    }
  }

  /** Each fixture lists the exact problems it must produce in its {@code # expect:} lines. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void invalidConfigReportsEveryProblemWithItsPath(Path file) throws IOException {
    List<String> expected =
        Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .filter(l -> l.startsWith("# expect: "))
            .map(l -> l.substring("# expect: ".length()))
            .toList();
    assertThat(expected).as("fixture has # expect: lines").isNotEmpty();

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

    assertThat(e).as("%s must be rejected", file).isNotNull();
    assertThat(e.problems()).containsExactlyElementsOf(expected);
    assertThat(e.getMessage()).startsWith(file + ": " + expected.size() + " problem(s):");
  }

  @Test
  void fullConfigIsReadIntoTheValidatedType(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pw"), "hunter2\n");
    Files.writeString(
        dir.resolve("cx.yml"),
        """
        server:
          listen_address: "127.0.0.1:${CX_PORT}"
          basic_auth: {username: prom, password_file: pw}
          bearer_token: ${CX_TEST_TOKEN}
        state: {path: /var/lib/cx}
        kpi:
          windows: [15m, 24h]
          dimensions: [group, channel]
          max_label_values: 20
          business_hours:
            timezone: Europe/Ljubljana
            week: {mon: "08:00-12:00,13:00-17:00", fri: "08:00-16:00"}
            holidays: [2026-12-25]
          sla:
            - {priority: urgent, first_response: 1h, resolution: 8h}
            - {priority: normal, first_response: 8h, hours: business}
          sla_risk_horizon: 30m
          targets:
            - {kpi: csat_ratio, window: 24h, min: 0.85}
            - {kpi: first_response_seconds, stat: p90, window: 15m, max: 3600}
            - {kpi: tickets_open, max: 400}
            - {kpi: ticket_unassigned_oldest_age_seconds, max: 3600}
        connectors:
          - {name: demo-eu, type: demo, poll_interval: 30s, seed: 7}
        """);

    ExporterConfig c = loader.load(dir.resolve("cx.yml"));

    assertThat(c.server().host()).isEqualTo("127.0.0.1");
    assertThat(c.server().port()).isEqualTo(9988);
    assertThat(c.server().basicAuth().password().reveal()).isEqualTo("hunter2");
    assertThat(c.server().bearerToken().reveal()).isEqualTo("s3cr3t-token");
    assertThat(c.statePath()).isEqualTo(Path.of("/var/lib/cx"));
    assertThat(c.kpi().windows())
        .containsExactly(
            Map.entry("15m", Duration.ofMinutes(15)), Map.entry("24h", Duration.ofHours(24)));
    assertThat(c.kpi().dimensions()).containsExactly("group", "channel");
    assertThat(c.kpi().maxLabelValues()).isEqualTo(20);
    assertThat(c.kpi().businessHours().week().get(DayOfWeek.MONDAY)).hasSize(2);
    assertThat(c.kpi().businessHours().holidays()).containsExactly(LocalDate.parse("2026-12-25"));
    assertThat(c.kpi().sla())
        .containsExactly(
            new SlaPolicy(Priority.URGENT, Duration.ofHours(1), Duration.ofHours(8), false),
            new SlaPolicy(Priority.NORMAL, Duration.ofHours(8), null, true));
    assertThat(c.kpi().slaRiskHorizon()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.kpi().targets())
        .containsExactly(
            new KpiTarget("csat_ratio", "", "24h", 0.85, true),
            // a duration goal is for business hours when a schedule is configured
            new KpiTarget("first_response_seconds", "p90", "15m", 3600, false, "business"),
            new KpiTarget("tickets_open", "", "", 400, false),
            new KpiTarget("ticket_unassigned_oldest_age_seconds", "", "", 3600, false));
    assertThat(c.kpi().histogramDimensions()).containsExactly("group");
    assertThat(c.kpi().maxSeriesPerSource()).isEqualTo(20_000);
    assertThat(c.connectors())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.name()).isEqualTo("demo-eu");
              assertThat(s.type()).isEqualTo("demo");
              assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(30));
            });
  }

  @Test
  void secretsNeverShowInTheConfigsText(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("cx.yml"),
        "server: {bearer_token: \"${CX_TEST_TOKEN}\"}\nconnectors: [{name: d, type: demo}]\n");
    ExporterConfig c = loader.load(dir.resolve("cx.yml"));
    assertThat(c.toString()).doesNotContain("s3cr3t-token");
  }

  @Test
  void defaultsApplyWhenKeysAreLeftOut(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("cx.yml"), "connectors: [{name: d, type: demo}]\n");
    ExporterConfig c = loader.load(dir.resolve("cx.yml"));
    assertThat(c.server().port()).isEqualTo(9877);
    assertThat(c.server().host()).isEmpty();
    assertThat(c.kpi().windows().keySet()).containsExactly("24h", "7d", "30d");
    assertThat(c.kpi().dimensions()).containsExactly("group", "priority", "channel");
    assertThat(c.kpi().maxLabelValues()).isEqualTo(50);
    assertThat(c.connectors().get(0).pollInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.onCorruption()).isEqualTo(OnCorruption.RESET);
  }

  @Test
  void stateOnCorruptionRefuseIsRead(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("cx.yml"),
        "state: {path: ./s, on_corruption: refuse}\nconnectors: [{name: d, type: demo}]\n");
    assertThat(loader.load(dir.resolve("cx.yml")).onCorruption()).isEqualTo(OnCorruption.REFUSE);
  }

  @Test
  void builtInDemoIsExamplesDemoYml() throws Exception {
    assertThat(ConfigLoader.builtInDemoText())
        .isEqualTo(Files.readString(Path.of("examples/demo.yml")));
    ExporterConfig c = loader.loadBuiltInDemo();
    assertThat(c.connectors()).extracting(ConnectorSpec::type).containsExactly("demo");
    assertThat(c.kpi().businessHours()).isNotNull();
    assertThat(c.kpi().sla()).isNotEmpty();
    assertThat(c.kpi().targets()).isNotEmpty();
  }

  @Test
  void everyExampleConfigIsValid() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      for (Path f :
          files
              .filter(
                  p ->
                      p.toString().endsWith(".yml")
                          && !p.getFileName().toString().startsWith("prometheus")
                          && !p.getFileName().toString().startsWith("alertmanager")
                          // --web.config.file, not a cx config: MainTest checks it
                          && !p.getFileName().toString().startsWith("web-config"))
              .toList()) {
        ConfigLoader all = new ConfigLoader(n -> "x", ConfigLoader.discoverFactories());
        assertThat(all.load(f)).as(f.toString()).isNotNull();
      }
    }
  }

  @Test
  void unreadableFileIsOneProblem() {
    assertThatThrownBy(() -> loader.load(Path.of("/nonexistent/cx.yml")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/nonexistent/cx.yml: 1 problem(s):\n  cannot read file (NoSuchFileException)");
  }
}
