package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * examples/alertmanager.yml through the real amtool (Debian package prometheus-alertmanager, 0.25
 * here): valid for Alertmanager, and routed by severity. {@link AlertmanagerConfigTest} checks the
 * rest of the file without the tool.
 */
class AlertmanagerAmtoolIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void amtoolAcceptsTheConfig() throws Exception {
    ToolRun r = amtool("check-config", AlertmanagerConfigTest.config().toString());
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).contains("SUCCESS");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "alertname=CxExporterDown severity=critical job=cx-exporter, cx-pager",
    "alertname=CxConnectorUnauthorized severity=critical source=zendesk, cx-pager",
    "alertname=CsatDrop severity=warning source=demo, cx-team",
    "alertname=BacklogGrowing severity=warning source=demo, cx-team",
    "alertname=SomethingElse severity=info, cx-null",
    "alertname=NoSeverity, cx-team",
  })
  void routesBySeverity(String labels, String receiver) throws Exception {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "config",
            "routes",
            "test",
            "--config.file=" + AlertmanagerConfigTest.config(),
            "--verify.receivers=" + receiver));
    args.addAll(List.of(labels.split(" ")));
    ToolRun r = amtool(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).contains(receiver);
  }

  /** --verify.receivers really fails on a mismatch (so the routes test above can fail). */
  @Test
  void aWrongReceiverFailsTheRouteTest() throws Exception {
    ToolRun r =
        amtool(
            "config",
            "routes",
            "test",
            "--config.file=" + AlertmanagerConfigTest.config(),
            "--verify.receivers=cx-team",
            "severity=critical");
    assertThat(r.exitCode()).as(r.describe()).isNotZero();
  }

  private static ToolRun amtool(String... args) throws Exception {
    Path amtool = Tools.require("amtool", "prometheus-alertmanager");
    List<String> cmd = new ArrayList<>();
    cmd.add(amtool.toString());
    cmd.addAll(List.of(args));
    return ToolRun.run(TIMEOUT, RuleFiles.root(), cmd.toArray(String[]::new));
  }
}
