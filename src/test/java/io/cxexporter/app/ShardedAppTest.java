package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxexporter.testing.Http;
import io.cxexporter.web.WebServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sharded replica runs, syncs and exports only its own connectors, at start and after each
 * reload, while the whole config is still validated; its shard is on {@code /metrics} and {@code
 * /}. Names and shards (of 3): alpha 0, bravo 2, charlie 1, delta 1, echo 1, foxtrot 2, golf 0,
 * hotel 2, demo-01 1 (pinned in {@link ShardingTest}'s hash).
 */
class ShardedAppTest {
  @TempDir Path dir;
  App app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static String connectors(String... names) {
    StringBuilder b = new StringBuilder("connectors:\n");
    int seed = 1;
    for (String n : names) {
      b.append("  - {name: ")
          .append(n)
          .append(", type: demo, poll_interval: 1h, backfill: 1d, tickets_per_day: 5, seed: ")
          .append(seed++)
          .append("}\n");
    }
    return b.toString();
  }

  private Path write(String connectors) throws Exception {
    Path file = dir.resolve("cx.yml");
    Files.writeString(
        file,
        "server: {listen_address: \"127.0.0.1:0\"}\nstate: {path: \""
            + dir.resolve("state")
            + "\"}\n"
            + connectors);
    return file;
  }

  private App start(Sharding sharding, String connectors) throws Exception {
    Path file = write(connectors);
    ConfigLoader loader = ConfigLoader.standard();
    return App.start(
        loader.load(file),
        WebServer.Options.DEFAULTS.withLifecycle(true),
        loader,
        file,
        App.Overrides.NONE,
        sharding,
        new PrometheusRegistry(),
        Clock.systemUTC());
  }

  private String metrics() {
    return Http.get(app.port(), "/metrics").body();
  }

  private static List<String> up(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith("cx_connector_up{"))
        .map(l -> l.replaceAll(".*source=\"([^\"]+)\".*", "$1"))
        .sorted()
        .toList();
  }

  @Test
  void onlyThisShardsConnectorsRunAndItsShardIsExported() throws Exception {
    app =
        start(
            new Sharding(1, 3),
            connectors("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"));

    assertThat(app.sharding()).isEqualTo(new Sharding(1, 3));
    assertThat(app.connectors().keySet()).containsExactly("charlie", "delta", "echo");
    String m = metrics();
    assertThat(up(m)).containsExactly("charlie", "delta", "echo");
    assertThat(m)
        .contains("\ncx_exporter_shard_ordinal{shard_ordinal=\"1\"} 1.0\n")
        .contains("\ncx_exporter_total_shards 3.0\n")
        .doesNotContain("source=\"alpha\"")
        .doesNotContain("source=\"bravo\"")
        .doesNotContain("source=\"foxtrot\"");
    assertThat(Http.get(app.port(), "/").body())
        .contains(
            "<p id=\"shard\">shard 1 of 3 (zero-indexed): 3 connectors here, 3 on other"
                + " shards</p>");
  }

  @Test
  void aReloadAppliesTheSameFilter() throws Exception {
    app =
        start(
            new Sharding(1, 3),
            connectors("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"));
    assertThat(up(metrics())).containsExactly("charlie", "delta", "echo");

    // charlie (1) and alpha (0) go; golf (0), hotel (2) and demo-01 (1) come
    write(connectors("bravo", "delta", "echo", "foxtrot", "golf", "hotel", "demo-01"));
    HttpResponse<String> r = Http.post(app.port(), "/-/reload");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(app.connectors().keySet()).containsExactly("delta", "echo", "demo-01");
    assertThat(up(metrics())).containsExactly("delta", "demo-01", "echo");
    assertThat(metrics()).doesNotContain("source=\"charlie\"");
    assertThat(Http.get(app.port(), "/").body())
        .contains("shard 1 of 3 (zero-indexed): 3 connectors here, 4 on other shards");
  }

  @Test
  void aBadConnectorOnAnotherShardStillFailsTheReload() throws Exception {
    app = start(new Sharding(1, 3), connectors("charlie", "alpha"));

    write(connectors("charlie") + "  - {name: alpha, type: demo, tickets_per_day: 0}\n");
    HttpResponse<String> r = Http.post(app.port(), "/-/reload");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("connectors[1].tickets_per_day: must be between 1 and 100000");
    assertThat(app.connectors().keySet()).containsExactly("charlie");
  }

  @Test
  void aShardWithNoConnectorRunsEmptyAndIsReady() throws Exception {
    app = start(new Sharding(1, 3), connectors("alpha", "bravo"));

    assertThat(app.connectors()).isEmpty();
    assertThat(Http.get(app.port(), "/-/ready").statusCode()).isEqualTo(200);
    assertThat(up(metrics())).isEmpty();
    assertThat(Http.get(app.port(), "/").body())
        .contains("shard 1 of 3 (zero-indexed): 0 connectors here, 2 on other shards");
  }

  @Test
  void unshardedTheShardIsZeroOfOne() throws Exception {
    app = start(Sharding.NONE, connectors("alpha", "bravo", "charlie"));

    assertThat(app.connectors().keySet()).containsExactly("alpha", "bravo", "charlie");
    assertThat(metrics())
        .contains("\ncx_exporter_shard_ordinal{shard_ordinal=\"0\"} 0.0\n")
        .contains("\ncx_exporter_total_shards 1.0\n");
    assertThat(Http.get(app.port(), "/").body())
        .contains("shard 0 of 1 (zero-indexed): 3 connectors here, 0 on other shards");
  }
}
