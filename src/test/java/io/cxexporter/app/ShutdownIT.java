package io.cxexporter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.cxexporter.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the real process during a backfill whose next page hangs for 45 s: it exits 0 well
 * inside Docker's 10 s, logs nothing at warn or error, commits nothing of the hanging page and
 * leaves a checkpointed state file. Prints the measured SIGTERM-to-exit time (bench/README.md).
 */
class ShutdownIT {
  @TempDir Path dir;
  WireMockServer vendor;
  Process process;

  @BeforeEach
  void startVendor() {
    vendor = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    vendor.start();
    Instant t = Instant.now().minus(Duration.ofHours(2));
    String ticket =
        "{\"ref\":\"%s\",\"opened\":\"" + t + "\",\"changed\":\"" + t + "\",\"state\":\"o\"}";
    vendor.stubFor(
        get(urlPathEqualTo("/cases"))
            .atPriority(2)
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"data\":["
                            + ticket.formatted("1")
                            + "],\"next\":\"p2\",\"done\":false}")));
    vendor.stubFor(
        get(urlPathEqualTo("/cases"))
            .withQueryParam("cursor", equalTo("p2"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withFixedDelay(45_000)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"data\":["
                            + ticket.formatted("2")
                            + "],\"next\":\"p3\",\"done\":true}")));
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.destroyForcibly();
      Path log = dir.resolve("stderr.log");
      if (Files.exists(log)) {
        System.out.println(Files.readString(log)); // the child's log, for a failure
      }
    }
    vendor.stop();
  }

  @Test
  void sigtermDuringABackfillWithAHangingRequestExitsZeroQuicklyAndCleanly() throws Exception {
    Path config = dir.resolve("cx.yml");
    Files.writeString(
        config,
        "server: {listen_address: \"127.0.0.1:0\"}\n"
            + "state: {path: \""
            + dir.resolve("state")
            + "\"}\n"
            + "connectors:\n"
            + "  - name: zd\n"
            + "    type: http_json\n"
            + "    base_url: "
            + vendor.baseUrl()
            + "\n"
            + "    auth: {bearer: {token: t}}\n"
            + "    streams:\n"
            + "      tickets:\n"
            + "        path: /cases\n"
            + "        records: \"$.data[*]\"\n"
            + "        paginate: {cursor: {param: cursor, path: \"$.next\", stop: \"$.done\"}}\n"
            + "        map: {id: \"$.ref\", created_at: \"$.opened\", updated_at: \"$.changed\",\n"
            + "              status: {path: \"$.state\", values: {o: open}}}\n");
    Path log = dir.resolve("stderr.log");
    process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--config.file=" + config,
                "--log.format=json")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await("the request for page 2 is in flight")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !vendor
                    .findAll(
                        getRequestedFor(urlPathEqualTo("/cases"))
                            .withQueryParam("cursor", equalTo("p2")))
                    .isEmpty());

    long t0 = System.nanoTime();
    process.destroy(); // SIGTERM
    boolean exited = process.waitFor(10, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("SIGTERM to exit during a backfill with a hanging request: " + ms + " ms");

    assertThat(exited).as("exited within Docker's 10 s").isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(Duration.ofMillis(ms)).isLessThan(Duration.ofSeconds(5));
    List<String> lines = Files.readAllLines(log);
    assertThat(lines)
        .as("no misleading warning")
        .noneMatch(l -> l.contains("\"level\":\"warn\"") || l.contains("\"level\":\"error\""))
        .anyMatch(l -> l.contains("\"msg\":\"stopped in "));
    Path wal = dir.resolve("state").resolve("cx.db-wal");
    assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("WAL checkpointed").isTrue();
    try (Store store = Store.open(dir.resolve("state"), Clock.systemUTC())) {
      assertThat(store.state("zd", "tickets").cursor().value()).contains("p2");
      assertThat(store.state("zd", "tickets").backfillDone()).isFalse();
    }
  }
}
