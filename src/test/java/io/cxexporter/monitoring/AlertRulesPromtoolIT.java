package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the real promtool (Debian package prometheus, 2.42 here) over alert-rules/: syntax and
 * PromQL, the lint, and the unit tests in alert-rules/tests/ (one of which spans three weeks of
 * 5-minute samples and takes about 15 s).
 */
class AlertRulesPromtoolIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @Test
  void ruleFilesPassPromtoolCheckRules() throws Exception {
    ToolRun r = promtool(List.of("check", "rules"), RuleFiles.ruleFiles());
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void ruleFilesPassTheLint() throws Exception {
    ToolRun r =
        promtool(List.of("check", "rules", "--lint=all", "--lint-fatal"), RuleFiles.ruleFiles());
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).doesNotContain("FAILED");
  }

  @Test
  void unitTestsPass() throws Exception {
    List<Path> tests = RuleFiles.testFiles();
    assertThat(tests).hasSizeGreaterThanOrEqualTo(1);
    ToolRun r = promtool(List.of("test", "rules"), tests);
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.output()).as(r.describe()).contains("SUCCESS").doesNotContain("FAILED");
  }

  private static ToolRun promtool(List<String> args, List<Path> files) throws Exception {
    Path promtool = Tools.require("promtool", "prometheus");
    List<String> cmd = new ArrayList<>();
    cmd.add(promtool.toString());
    cmd.addAll(args);
    Path root = RuleFiles.root();
    files.forEach(f -> cmd.add(root.relativize(f).toString()));
    return ToolRun.run(TIMEOUT, root, cmd.toArray(String[]::new));
  }
}
