package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxexporter.testing.Http;
import io.cxexporter.testing.ScriptedStream;
import io.cxexporter.testing.StaticConnectorFactory;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadTest {
  @TempDir Path dir;
  TestApps.Running app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  void rewrite(String connectors) throws IOException {
    String text = Files.readString(app.configFile());
    Files.writeString(
        app.configFile(), text.substring(0, text.indexOf("connectors:")) + connectors);
  }

  @Test
  void aBadConfigKeepsTheRunningOneAndIsReported() throws Exception {
    StaticConnectorFactory.STREAMS.put("one", List.of(new ScriptedStream("tickets")));
    StaticConnectorFactory.STREAMS.put("two", List.of(new ScriptedStream("tickets")));
    app = TestApps.start(dir, "connectors: [{name: one, type: static}]\n");

    rewrite("connectors: [{name: two, type: static, pol_interval: 5s}]\n");
    HttpResponse<String> r = Http.post(app.port(), "/-/reload");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body())
        .isEqualTo(
            "Reload failed, previous config still running:\n  connectors[0].pol_interval: unknown key\n");
    assertThat(Http.get(app.port(), "/metrics").body())
        .contains("cx_config_last_reload_successful 0.0");
    String page = Http.get(app.port(), "/").body();
    assertThat(page)
        .contains("id=\"reload-error\"")
        .contains("connectors[0].pol_interval: unknown key");
    assertThat(page).contains("data-source=\"one\"").doesNotContain("data-source=\"two\"");

    rewrite("connectors: [{name: two, type: static, poll_interval: 90s}]\n");
    assertThat(Http.post(app.port(), "/-/reload").statusCode()).isEqualTo(200);
    String metrics = Http.get(app.port(), "/metrics").body();
    assertThat(metrics)
        .contains("cx_config_last_reload_successful 1.0")
        .contains("cx_connector_poll_interval_seconds{source=\"two\"} 90.0")
        .as("a removed connector's series go, or it would page as stale forever")
        .doesNotContain("source=\"one\"");
    page = Http.get(app.port(), "/").body();
    assertThat(page)
        .contains("data-source=\"two\"")
        .doesNotContain("data-source=\"one\"")
        .doesNotContain("reload-error");
  }

  @Test
  void sighupReloads() throws Exception {
    StaticConnectorFactory.STREAMS.put("hup", List.of(new ScriptedStream("tickets")));
    app = TestApps.start(dir, "connectors: [{name: one, type: static}]\n");
    Signals.onHangup(app.app()::reload);

    rewrite("connectors: [{name: hup, type: static}]\n");
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
    assertThat(kill.waitFor()).isZero();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Http.get(app.port(), "/").body().contains("data-source=\"hup\""));
  }
}
