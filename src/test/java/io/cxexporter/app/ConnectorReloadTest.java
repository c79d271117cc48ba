package io.cxexporter.app;

import static io.cxexporter.testing.StaticConnectorFactory.CHECKED;
import static io.cxexporter.testing.StaticConnectorFactory.CREATED;
import static io.cxexporter.testing.StaticConnectorFactory.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.store.Store;
import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that changes only connectors ({@code connector_files}, issue 18): the added ones start,
 * the removed ones stop, the changed ones restart, and the untouched ones keep running without a
 * re-sync: same instance, no request, counters kept.
 */
class ConnectorReloadTest {
  @TempDir Path dir;
  TestApps.Running app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** A connector file under {@code conf.d}; null deletes it. */
  void file(String name, String yaml) throws Exception {
    Path f = dir.resolve("conf.d").resolve(name);
    Files.createDirectories(f.getParent());
    if (yaml == null) {
      Files.deleteIfExists(f);
    } else {
      Files.writeString(f, yaml);
    }
  }

  /** A stream with one ticket, registered for {@code name}. */
  static ScriptedStream stream(String name) {
    ScriptedStream s = new ScriptedStream("tickets").page(ReloadTest.ticket(name + "-1"));
    StaticConnectorFactory.STREAMS.put(name, List.of(s));
    return s;
  }

  void startWith(String mainExtra) {
    app = TestApps.start(dir, mainExtra + "connector_files: [\"conf.d/*.yml\"]\n");
  }

  void awaitBackfilled(String source) {
    await(source + " backfilled")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                app.app().streams().stream()
                    .anyMatch(s -> s.source().equals(source) && s.backfillDone()));
  }

  String metrics() {
    return ReloadTest.metrics(app);
  }

  @Test
  void onlyTheChangedFilesConnectorsStartStopOrRestart() throws Exception {
    ScriptedStream keep = stream("cr-keep");
    stream("cr-gone");
    stream("cr-changed");
    stream("cr-new");
    file("a-keep.yml", "connectors: [{name: cr-keep, type: static, poll_interval: 1h}]\n");
    file(
        "b-team.yml",
        "connectors:\n"
            + "  - {name: cr-gone, type: static, poll_interval: 1h}\n"
            + "  - {name: cr-changed, type: static, poll_interval: 1h}\n");
    startWith("");
    awaitBackfilled("cr-keep");
    awaitBackfilled("cr-gone");
    awaitBackfilled("cr-changed");
    keep.page(ReloadTest.ticket("cr-keep-2"));
    // the keep connector's second ticket arrives live only if it is read again: it never is
    int reads = keep.reads.get();
    int keepChecks = count(CHECKED, "cr-keep");
    Pipeline pipeline = app.app().pipeline();
    List<String> keepSeries = ReloadTest.series(app, "cx_connector_up", "cr-keep");

    file(
        "b-team.yml",
        "connectors:\n"
            + "  - {name: cr-changed, type: static, poll_interval: 2h}\n"
            + "  - {name: cr-new, type: static, poll_interval: 1h}\n");
    HttpResponse<String> r = Http.post(app.port(), "/-/reload");

    assertThat(r.statusCode()).isEqualTo(200);
    awaitBackfilled("cr-new");
    awaitBackfilled("cr-changed");
    assertThat(app.app().pipeline())
        .as("the pipeline was updated, not replaced")
        .isSameAs(pipeline);
    assertThat(count(CREATED, "cr-keep")).as("the untouched connector's instance").isEqualTo(1);
    assertThat(keep.reads.get()).as("reads by the untouched connector").isEqualTo(reads);
    assertThat(count(CHECKED, "cr-keep")).isEqualTo(keepChecks);
    assertThat(count(CREATED, "cr-changed")).as("the changed one restarted").isEqualTo(2);
    assertThat(count(CREATED, "cr-new")).isEqualTo(1);
    assertThat(count(CREATED, "cr-gone")).isEqualTo(1);
    String m = metrics();
    assertThat(m)
        .contains("cx_connector_poll_interval_seconds{source=\"cr-changed\"} 7200.0")
        .contains("cx_connector_poll_interval_seconds{source=\"cr-new\"} 3600.0")
        .contains("cx_config_last_reload_successful 1.0")
        .doesNotContain("source=\"cr-gone\"");
    assertThat(ReloadTest.series(app, "cx_connector_up", "cr-keep")).isEqualTo(keepSeries);
    assertThat(app.app().connectors()).containsOnlyKeys("cr-keep", "cr-changed", "cr-new");
    app.close();
    try (Store store = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      assertThat(store.has("cr-gone")).as("a removed connector's records stay").isTrue();
    }
  }

  @Test
  void anUntouchedConnectorKeepsItsCountersAndKpis() throws Exception {
    ScriptedStream keep = stream("cr-count");
    stream("cr-other");
    file("a.yml", "connectors: [{name: cr-count, type: static, poll_interval: 1s}]\n");
    file("b.yml", "connectors: [{name: cr-other, type: static, poll_interval: 1h}]\n");
    startWith("");
    awaitBackfilled("cr-count");
    keep.page(ReloadTest.ticket("cr-count-2")); // read live by the next poll: counted
    await("the live ticket counted")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ReloadTest.series(app, "cx_tickets_created_total", "cr-count").stream()
                    .anyMatch(l -> l.endsWith(" 1.0")));
    List<String> counters = ReloadTest.series(app, "cx_tickets_created_total", "cr-count");
    app.refresh();
    List<String> open = ReloadTest.series(app, "cx_tickets_open", "cr-count");

    file("b.yml", null);
    assertThat(app.app().reload()).isNull();
    app.refresh();

    assertThat(ReloadTest.series(app, "cx_tickets_created_total", "cr-count")).isEqualTo(counters);
    assertThat(ReloadTest.series(app, "cx_tickets_open", "cr-count")).isEqualTo(open);
    assertThat(metrics()).doesNotContain("source=\"cr-other\"");
  }

  @Test
  void aBadFileKeepsTheWholeRunningConfigAndNamesFileAndKey() throws Exception {
    stream("cr-ok");
    stream("cr-bad");
    file("ok.yml", "connectors: [{name: cr-ok, type: static, poll_interval: 1h}]\n");
    startWith("");
    awaitBackfilled("cr-ok");

    file("ok.yml", null); // would remove cr-ok, if the reload went through
    file(
        "team.yml",
        "connectors:\n"
            + "  - {name: cr-bad, type: static}\n"
            + "  - {name: cr-bad2, type: static, pol_interval: 5s}\n");
    HttpResponse<String> r = Http.post(app.port(), "/-/reload");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body())
        .isEqualTo(
            "Reload failed, previous config still running:\n"
                + "  conf.d/team.yml: connectors[1].pol_interval: unknown key\n");
    assertThat(metrics())
        .contains("cx_config_last_reload_successful 0.0")
        .contains("source=\"cr-ok\"")
        .doesNotContain("source=\"cr-bad\"");
    assertThat(count(CREATED, "cr-ok")).isEqualTo(1);
    assertThat(count(CREATED, "cr-bad")).isZero();
  }

  @Test
  void aChangedSecretRestartsTheConnectorWithoutShowingIt() throws Exception {
    ScriptedStream sec = stream("cr-secret");
    stream("cr-plain");
    Files.writeString(dir.resolve("token"), "first-s3cret-value");
    file(
        "a.yml",
        "connectors:\n"
            + "  - {name: cr-secret, type: static, poll_interval: 1h, token_file: ../token}\n"
            + "  - {name: cr-plain, type: static, poll_interval: 1h}\n");
    startWith("");
    awaitBackfilled("cr-secret");
    awaitBackfilled("cr-plain");
    int reads = sec.reads.get();

    assertThat(app.app().reload()).as("nothing changed").isNull();
    assertThat(count(CREATED, "cr-secret")).isEqualTo(1);
    Files.writeString(dir.resolve("token"), "second-s3cret-value");
    assertThat(app.app().reload()).isNull();

    assertThat(count(CREATED, "cr-secret")).as("a new token restarts it").isEqualTo(2);
    assertThat(count(CREATED, "cr-plain")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> sec.reads.get() > reads);
    assertThat(metrics() + Http.get(app.port(), "/").body()).doesNotContain("s3cret");
  }

  @Test
  void aChangeBeyondTheConnectorsRestartsEverything() throws Exception {
    stream("cr-all");
    file("a.yml", "connectors: [{name: cr-all, type: static, poll_interval: 1h}]\n");
    startWith("");
    awaitBackfilled("cr-all");
    Pipeline pipeline = app.app().pipeline();
    Path main = app.configFile();

    Files.writeString(main, Files.readString(main) + "kpi: {windows: [1h, 24h]}\n");
    assertThat(app.app().reload()).isNull();

    assertThat(app.app().pipeline()).isNotSameAs(pipeline);
    assertThat(count(CREATED, "cr-all")).isEqualTo(2);
  }

  @Test
  void emptyingTheFolderStopsEveryConnectorOfIt() throws Exception {
    stream("cr-last");
    file("a.yml", "connectors: [{name: cr-last, type: static, poll_interval: 1h}]\n");
    startWith("");
    awaitBackfilled("cr-last");

    file("a.yml", null);
    assertThat(app.app().reload()).isNull();

    assertThat(app.app().connectors()).isEmpty();
    assertThat(metrics())
        .doesNotContain("source=\"cr-last\"")
        .contains("cx_config_last_reload_successful 1.0");
    assertThat(app.app().ready()).as("no connector is nothing to wait for").isTrue();
  }
}
