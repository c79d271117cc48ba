package io.cxexporter.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real tools tests need (promtool, chromium). Outside CI a missing tool skips the test
 * with a message; in CI (CI=true, where .ci/run installs them) a missing tool fails it.
 */
public final class Tools {
  private Tools() {}

  public static Path require(String name, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String msg = name + " not found: apt-get install " + debianPackage + " (.ci/run does)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(msg + " — required in CI");
    }
    Assumptions.abort(msg);
    return null;
  }

  /**
   * Runs the real {@code promtool check metrics} on {@code text} (written to a file in {@code dir})
   * and fails unless it exits 0 with nothing to say.
   */
  public static void assertPromtoolAccepts(Path dir, String text) throws Exception {
    Path promtool = require("promtool", "prometheus");
    Path file = dir.resolve("metrics.txt");
    Files.writeString(file, text);
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectInput(file.toFile())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    org.assertj.core.api.Assertions.assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(out).as("promtool check metrics").isEmpty();
    org.assertj.core.api.Assertions.assertThat(p.exitValue()).isZero();
  }
}
