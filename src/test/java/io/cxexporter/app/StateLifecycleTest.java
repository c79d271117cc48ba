package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxexporter.connector.Rejected;
import io.cxexporter.model.Ticket;
import io.cxexporter.model.TicketStatus;
import io.cxexporter.store.StoreException;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file as the running exporter reports it: /metrics, the status page, start-up. */
class StateLifecycleTest {
  @TempDir Path dir;
  TestApps.Running app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  static ScriptedStream oneTicket() {
    return new ScriptedStream("tickets")
        .page(
            Ticket.builder("1")
                .createdAt(Instant.now().minusSeconds(60))
                .status(TicketStatus.OPEN)
                .build());
  }

  String metrics() {
    return Http.get(app.port(), "/metrics").body();
  }

  @Test
  void theResetCounterIsVisibleAtZeroFromStart() {
    StaticConnectorFactory.STREAMS.put("fresh", List.of(oneTicket()));
    app = TestApps.start(dir, "connectors: [{name: fresh, type: static}]\n");

    assertThat(metrics())
        .contains("cx_state_resets_total{reason=\"damaged\"} 0.0")
        .contains("cx_state_resets_total{reason=\"deleted\"} 0.0");
    assertThat(Http.get(app.port(), "/").body()).doesNotContain("id=\"state-reset\"");
  }

  @Test
  void aDamagedStateFileIsMovedAsideCountedAndShown() throws Exception {
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state/cx.db"), "garbage ".repeat(100));
    StaticConnectorFactory.STREAMS.put("damaged", List.of(oneTicket()));

    app = TestApps.start(dir, "connectors: [{name: damaged, type: static}]\n");

    assertThat(metrics()).contains("cx_state_resets_total{reason=\"damaged\"} 1.0");
    try (Stream<Path> files = Files.list(dir.resolve("state"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("cx.db.corrupt-"));
    }
    assertThat(Http.get(app.port(), "/").body())
        .contains("<p class=\"err\" id=\"state-reset\">state file " + dir.resolve("state/cx.db"))
        .contains("every connector re-syncs from its start");
  }

  @Test
  void refuseStopsTheStartWithOneLine() throws Exception {
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state/cx.db"), "garbage ".repeat(100));
    String yaml = "connectors: [{name: refused, type: static}]\n";

    Files.writeString(
        dir.resolve("refuse.yml"),
        "server: {listen_address: \"127.0.0.1:0\"}\nstate: {path: \""
            + dir.resolve("state")
            + "\", on_corruption: refuse}\n"
            + yaml);
    ExporterConfig config = ConfigLoader.standard().load(dir.resolve("refuse.yml"));

    assertThatThrownBy(
            () ->
                App.start(
                    config,
                    ConfigLoader.standard(),
                    dir.resolve("refuse.yml"),
                    new io.prometheus.metrics.model.registry.PrometheusRegistry(),
                    java.time.Clock.systemUTC()))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("state file " + dir.resolve("state/cx.db") + " is damaged (")
        .hasMessageEndingWith(
            "state.on_corruption is refuse, so cx-exporter does not start: move the file aside"
                + " (it is a cache) to re-sync")
        .hasMessageNotContaining("\n");
    assertThat(Files.readString(dir.resolve("state/cx.db"), StandardCharsets.UTF_8))
        .startsWith("garbage");
  }

  @Test
  void aStateDirectoryDeletedWhileRunningIsReportedAndRecreated() throws Exception {
    ScriptedStream tickets = oneTicket();
    StaticConnectorFactory.STREAMS.put("deleted", List.of(tickets));
    app = TestApps.start(dir, "connectors: [{name: deleted, type: static, poll_interval: 1s}]\n");
    await("the backfill")
        .atMost(Duration.ofSeconds(20))
        .until(() -> metrics().contains("source=\"deleted\",stream=\"tickets\"} 1.0"));

    try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    await("the loss reported")
        .atMost(Duration.ofSeconds(20))
        .until(() -> metrics().contains("cx_state_resets_total{reason=\"deleted\"} 1.0"));
    assertThat(dir.resolve("state/cx.db")).exists();
    assertThat(Http.get(app.port(), "/").body())
        .contains("was deleted or replaced while running: recreated it empty");
    await("the ticket read again from the stream's start into the new file")
        .atMost(Duration.ofSeconds(20))
        .until(() -> storedRecords(dir.resolve("state/cx.db")) == 1);
  }

  static long storedRecords(Path file) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM records")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Test
  void rejectedRecordsAreListedEscapedOnTheStatusPage() {
    ScriptedStream tickets =
        oneTicket().rejecting(new Rejected("<b>42</b>", "created_at: bad time \"yesterday\""));
    StaticConnectorFactory.STREAMS.put("bad", List.of(tickets));
    app = TestApps.start(dir, "connectors: [{name: bad, type: static, poll_interval: 1s}]\n");

    await("the page applied")
        .atMost(Duration.ofSeconds(20))
        .until(() -> Http.get(app.port(), "/").body().contains("class=\"rejected\""));

    assertThat(Http.get(app.port(), "/").body())
        .contains("bad: 1 record(s) could not be read and are left out")
        .contains(
            "<td>&lt;b&gt;42&lt;/b&gt;</td><td>created_at: bad time &quot;yesterday&quot;</td>")
        .doesNotContain("<b>42</b>");
    assertThat(metrics())
        .contains(
            "cx_connector_errors_total{kind=\"mapping\",source=\"bad\",stream=\"tickets\"} 1.0");
  }
}
