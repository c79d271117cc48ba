package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sharding flags and the testing-only fixed clock on the command line. */
class MainShardFlagsTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(Map<String, String> env, String... args) {
    Main main = new Main();
    main.shardFlags.env = env::get;
    return new CommandLine(main)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  int run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void aShardOutsideTheTotalIsRefusedNamingTheFlag() {
    assertThat(run("--shard=3", "--total-shards=3", "--config.check")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("--shard: must be between 0 and 2 (zero-indexed, --total-shards=3), got 3\n");
  }

  @Test
  void aShardWithoutTotalShardsIsRefused() {
    assertThat(run("--shard=1", "--config.check")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("--shard: must be between 0 and 0 (zero-indexed, --total-shards=1), got 1\n");
  }

  @Test
  void noShardsAtAllIsRefused() {
    assertThat(run("--total-shards=0", "--config.check")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--total-shards: must be at least 1, got 0\n");
  }

  @Test
  void shardAndShardFromPodNameTogetherAreRefused() {
    assertThat(
            run(
                Map.of("POD_NAME", "cx-exporter-1"),
                "--shard=1",
                "--shard.from-pod-name",
                "--total-shards=3",
                "--config.check"))
        .isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("--shard.from-pod-name: cannot be used together with --shard\n");
  }

  @Test
  void aPodNameWithoutANumberIsRefused() {
    assertThat(
            run(
                Map.of("POD_NAME", "cx-exporter"),
                "--shard.from-pod-name",
                "--total-shards=3",
                "--config.check"))
        .isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "--shard.from-pod-name: pod name \"cx-exporter\" (POD_NAME) does not end in"
                + " -<number>, as a StatefulSet's pods do\n");
  }

  @Test
  void configCheckValidatesEveryConnectorAndListsThisShards() throws Exception {
    Path f = dir.resolve("cx.yml");
    Files.writeString(
        f,
        "connectors:\n"
            + "  - {name: alpha, type: demo}\n"
            + "  - {name: charlie, type: demo}\n"
            + "  - {name: delta, type: demo}\n");

    assertThat(
            run(
                Map.of("HOSTNAME", "cx-exporter-a-1"),
                "--config.file=" + f,
                "--shard.from-pod-name",
                "--total-shards=3",
                "--config.check"))
        .isZero();

    assertThat(out.toString())
        .isEqualTo(
            f
                + ": valid, 3 connector(s): alpha (demo), charlie (demo), delta (demo)\n"
                + "shard 1 of 3: 2 of 3 connectors: charlie, delta\n");
  }

  @Test
  void aBadConnectorOfAnotherShardFailsTheCheck() throws Exception {
    Path f = dir.resolve("cx.yml");
    Files.writeString(
        f,
        "connectors:\n"
            + "  - {name: charlie, type: demo}\n"
            + "  - {name: alpha, type: demo, tickets_per_day: 0}\n");

    assertThat(run("--config.file=" + f, "--shard=1", "--total-shards=3", "--config.check"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("connectors[1].tickets_per_day: must be between 1");
  }

  @Test
  void theFixedClockIsOffUnlessSetAndRefusesANonInstant() {
    assertThat(Main.clock(null)).isEqualTo(Clock.systemUTC());
    assertThat(Main.clock("2026-11-30T12:00:00Z").instant())
        .isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
    assertThatThrownBy(() -> Main.clock("yesterday"))
        .hasMessage(
            "-Dcx.clock.fixed: expected an instant such as 2026-11-30T12:00:00Z, got \"yesterday\"");
  }
}
