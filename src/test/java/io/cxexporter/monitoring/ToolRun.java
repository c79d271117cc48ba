package io.cxexporter.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outcome of running a command-line tool (promtool, amtool) to completion: its exit code and
 * its stdout and stderr merged, for assertion messages.
 *
 * <pre>{@code
 * ToolRun r = ToolRun.run(Duration.ofSeconds(60), dir, promtool.toString(), "check", "rules", f);
 * assertThat(r.exitCode()).as(r.describe()).isZero();
 * }</pre>
 */
record ToolRun(List<String> command, int exitCode, String output) {

  /**
   * Runs {@code command} in {@code workDir} and waits for it.
   *
   * @throws AssertionError if it has not ended within {@code timeout} (it is then killed)
   */
  static ToolRun run(Duration timeout, Path workDir, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("cx-tool-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command)
                + " did not end within "
                + timeout
                + "; output so far:\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new ToolRun(List.of(command), p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The command, its exit code and its output, for an assertion message. */
  String describe() {
    return String.join(" ", command) + "\nexit code " + exitCode + ", output:\n" + output;
  }
}
