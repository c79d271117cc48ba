package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A state that cannot be used at start: exit 1 with one line, never a stack trace. */
class MainStateTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  /** Main registers into the default registry; a failed start leaves its metrics there. */
  @AfterEach
  void clearDefaultRegistry() {
    PrometheusRegistry.defaultRegistry.clear();
  }

  int run(Path state, String stateKeys) throws Exception {
    Path config = dir.resolve("cx.yml");
    Files.writeString(
        config,
        "server: {listen_address: \"127.0.0.1:0\"}\nstate: {path: \""
            + state
            + "\""
            + stateKeys
            + "}\nconnectors: [{name: demo, type: demo}]\n");
    return new CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute("--config.file", config.toString());
  }

  @Test
  void aStateDirectoryThatCannotBeCreatedExitsOneWithOneLine() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path state = file.resolve("state");

    assertThat(run(state, "")).isEqualTo(1);

    assertThat(err.toString())
        .startsWith("cannot start: cannot create state directory " + state + ": ")
        .hasLineCount(1);
  }

  @Test
  void aDamagedStateFileWithRefuseExitsOneWithOneLine() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(state.resolve("cx.db"), "garbage ".repeat(100));

    assertThat(run(state, ", on_corruption: refuse")).isEqualTo(1);

    assertThat(err.toString())
        .startsWith("cannot start: state file " + state.resolve("cx.db") + " is damaged (")
        .endsWith("move the file aside (it is a cache) to re-sync\n")
        .hasLineCount(1);
  }
}
