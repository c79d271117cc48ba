package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.model.Cursor;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HistoryCommandTest {
  static final Instant T = Instant.parse("2026-11-20T12:00:00Z");

  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return new CommandLine(new Main())
        .setOut(new PrintWriter(new StringWriter(), true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  Path config() throws Exception {
    Path f = dir.resolve("cx.yml");
    Files.writeString(
        f,
        "state: {path: "
            + dir.resolve("state")
            + "}\nkpi: {windows: [1h, 24h]}\nconnectors:\n  - name: zd\n    type: demo\n");
    return f;
  }

  static Ticket ticket(String id, Instant created, Instant solved) {
    return Ticket.builder(id)
        .createdAt(created)
        .updatedAt(solved == null ? created : solved)
        .status(solved == null ? TicketStatus.OPEN : TicketStatus.SOLVED)
        .solvedAt(solved)
        .group("Billing")
        .build();
  }

  void store(Ticket... tickets) {
    try (Store s = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      s.apply("zd", "tickets", List.of(tickets), new Cursor("c"), true);
    }
  }

  @Test
  void writesTheKpisAndTheBacklogAtEachStepAsOpenMetrics() throws Exception {
    Path cfg = config();
    store(
        ticket("1", T.minus(Duration.ofMinutes(150)), T.minus(Duration.ofMinutes(30))),
        ticket("2", T.minus(Duration.ofMinutes(90)), null));
    Path out = dir.resolve("history.om");

    int code =
        run(
            "history",
            "--config.file=" + cfg,
            "--from=2h",
            "--step=1h",
            "--until=" + T,
            "--label",
            "job=cx-exporter",
            "--out=" + out);

    assertThat(code).as(err.toString()).isZero();
    String text = Files.readString(out);
    long s = T.getEpochSecond();
    assertThat(text)
        .contains(
            "cx_tickets_open_total_history{job=\"cx-exporter\",source=\"zd\"} 1 "
                + (s - 7200)
                + "\n"
                + "cx_tickets_open_total_history{job=\"cx-exporter\",source=\"zd\"} 2 "
                + (s - 3600)
                + "\n"
                + "cx_tickets_open_total_history{job=\"cx-exporter\",source=\"zd\"} 1 "
                + s
                + "\n")
        .contains(
            "cx_kpi_tickets_created{job=\"cx-exporter\",source=\"zd\",window=\"24h\"} 2 "
                + s
                + "\n")
        .contains("# TYPE cx_kpi_tickets_solved gauge\n")
        .endsWith("# EOF\n");
    assertThat(text.lines().filter(l -> l.startsWith("# TYPE cx_kpi_tickets_created "))).hasSize(1);
    assertThat(err.toString())
        .containsPattern("history: read \\d+ stored records into the KPI engine in \\d+\\.\\d s")
        .contains("\rhistory: computing 100% (3/3)")
        .contains("3 steps from 2026-11-20T10:00:00Z to 2026-11-20T12:00:00Z");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void stepsFallOnMultiplesOfTheStepSoRunsAgree() {
    assertThat(
            History.instants(
                Instant.parse("2026-11-20T10:07:00Z"),
                Instant.parse("2026-11-20T10:21:00Z"),
                Duration.ofMinutes(5)))
        .containsExactly(
            Instant.parse("2026-11-20T10:10:00Z"),
            Instant.parse("2026-11-20T10:15:00Z"),
            Instant.parse("2026-11-20T10:20:00Z"));
  }

  @Test
  void withoutAStateFileItExits1AndCreatesNone() throws Exception {
    Path cfg = config();

    assertThat(run("history", "--config.file=" + cfg, "--out=" + dir.resolve("h.om"))).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("no state file at " + dir.resolve("state").resolve(Store.FILE));
    assertThat(dir.resolve("state")).doesNotExist();
    assertThat(dir.resolve("h.om")).doesNotExist();
  }

  @Test
  void aLabelWithoutValueIsABadOption() throws Exception {
    assertThat(run("history", "--config.file=" + config(), "--label", "job")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--label: expected NAME=VALUE, got \"job\"\n");
  }

  @Test
  void aLabelTheSeriesCarryIsABadOption() throws Exception {
    Path cfg = config();
    store(ticket("1", T.minus(Duration.ofMinutes(30)), null));

    int code =
        run(
            "history",
            "--config.file=" + cfg,
            "--from=1h",
            "--step=1h",
            "--until=" + T,
            "--label",
            "source=x",
            "--out=" + dir.resolve("h.om"));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("label source: ").contains("already carries it");
    assertThat(dir.resolve("h.om")).doesNotExist();
  }

  @Test
  void aZeroStepOrAnUnreadableUntilIsABadOption() throws Exception {
    assertThat(run("history", "--config.file=" + config(), "--step=0")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--step: must be at least 1ms, got \"0\"\n");
    err.getBuffer().setLength(0);
    assertThat(run("history", "--config.file=" + config(), "--until=yesterday")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "--until: expected now or a time like 2026-11-30T12:00:00Z, got \"yesterday\"\n");
  }

  @Test
  void progressShowsPercentElapsedAndEta() {
    long[] now = {0};
    StringWriter w = new StringWriter();
    History.Progress p = new History.Progress(new PrintWriter(w), () -> now[0], 200);
    now[0] = Duration.ofSeconds(10).toNanos();
    p.update("computing", 50);
    now[0] += 100_000_000L; // 0.1 s later: not shown again
    p.update("computing", 60);

    assertThat(w.toString())
        .isEqualTo("\rhistory: computing  25% (50/200), elapsed 0m10s, ETA 0m30s   ");
  }
}
