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
}
