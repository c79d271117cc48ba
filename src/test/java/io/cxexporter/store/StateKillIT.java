package io.cxexporter.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.TicketStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9} (SIGKILL) of a process writing the state: the file it leaves, with its
 * WAL, opens as healthy (the integrity check on open must not take it for damage) with every page
 * the process reported committed, and nothing of a page it had not.
 */
class StateKillIT {
  static final int PAGE = 200;
  @TempDir Path dir;

  /** The child: applies page after page and prints {@code committed <n>} after each commit. */
  public static void main(String[] args) {
    Store store = Store.open(Path.of(args[0]), Clock.systemUTC());
    for (int page = 0; ; page++) {
      int p = page;
      List<Record> records =
          IntStream.range(0, PAGE)
              .mapToObj(i -> (Record) StoreTest.ticket(p + "-" + i, StoreTest.T, TicketStatus.OPEN))
              .toList();
      store.apply("zd", "tickets", records, new Cursor("p" + page), false);
      System.out.println("committed " + page);
      System.out.flush();
    }
  }

  @Test
  void aStateKilledMidWriteOpensHealthyWithEveryCommittedPage() throws Exception {
    Path state = dir.resolve("state");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StateKillIT.class.getName(),
                state.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int lastReported = -1;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (lastReported < 20 && (line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          lastReported = Integer.parseInt(line.substring("committed ".length()));
        }
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(lastReported).as("pages the child reported committed").isEqualTo(20);
    assertThat(state.resolve("cx.db-wal")).exists();
    assertThat(Files.size(state.resolve("cx.db-wal"))).isPositive();

    try (Store store = Store.open(state, Clock.systemUTC())) {
      assertThat(store.reset()).as("a killed process's file is no damage").isNull();
      String cursor = store.state("zd", "tickets").cursor().value();
      int lastStored = Integer.parseInt(cursor.substring(1));
      assertThat(lastStored).isGreaterThanOrEqualTo(lastReported);
      assertThat(store.count("zd")).isEqualTo((lastStored + 1L) * PAGE);
    }
    try (var files = Files.list(state)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains(".corrupt-"));
    }
  }
}
