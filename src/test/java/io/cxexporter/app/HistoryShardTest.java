package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Cursor;
import io.cxexporter.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code history} on a sharded replica writes its own connectors' series only: its state holds only
 * theirs, and the other shards' sources written as empty here would clash with their real history
 * once both are imported. charlie is on shard 1 of 3, alpha on shard 0.
 */
class HistoryShardTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return new CommandLine(new Main())
        .setOut(new PrintWriter(new StringWriter(), true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  Path setUp() throws Exception {
    Path f = dir.resolve("cx.yml");
    Files.writeString(
        f,
        "state: {path: "
            + dir.resolve("state")
            + "}\nkpi: {windows: [1h, 24h]}\nconnectors:\n"
            + "  - {name: alpha, type: demo}\n  - {name: charlie, type: demo}\n");
    try (Store s = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      s.apply(
          "charlie",
          "tickets",
          List.of(
              HistoryCommandTest.ticket(
                  "1", HistoryCommandTest.T.minus(Duration.ofMinutes(90)), null)),
          new Cursor("c"),
          true);
    }
    return f;
  }

  @Test
  void aShardWritesOnlyItsOwnSources() throws Exception {
    Path cfg = setUp();
    Path out = dir.resolve("history.om");

    int code =
        run(
            "history",
            "--config.file=" + cfg,
            "--shard=1",
            "--total-shards=3",
            "--from=1h",
            "--step=1h",
            "--until=" + HistoryCommandTest.T,
            "--out=" + out);

    assertThat(code).as(err.toString()).isZero();
    String text = Files.readString(out);
    assertThat(text).contains("source=\"charlie\"").doesNotContain("source=\"alpha\"");
  }

  @Test
  void theExportersFlagsBeforeTheSubcommandCountToo() throws Exception {
    Path cfg = setUp();
    Path out = dir.resolve("history.om");

    int code =
        run(
            "--shard=0",
            "--total-shards=3",
            "history",
            "--config.file=" + cfg,
            "--from=1h",
            "--step=1h",
            "--until=" + HistoryCommandTest.T,
            "--out=" + out);

    assertThat(code).as(err.toString()).isZero();
    String text = Files.readString(out);
    assertThat(text).contains("source=\"alpha\"").doesNotContain("source=\"charlie\"");
  }

  @Test
  void unshardedEverySourceIsWritten() throws Exception {
    Path cfg = setUp();
    Path out = dir.resolve("history.om");

    int code =
        run(
            "history",
            "--config.file=" + cfg,
            "--from=1h",
            "--step=1h",
            "--until=" + HistoryCommandTest.T,
            "--out=" + out);

    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readString(out)).contains("source=\"alpha\"").contains("source=\"charlie\"");
  }

  @Test
  void badShardFlagsExit2() {
    assertThat(run("history", "--shard=5", "--total-shards=3")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("--shard: must be between 0 and 2 (zero-indexed, --total-shards=3), got 5\n");
  }
}
