package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where alert notifications link back to: the status page, by the web server's scheme. */
class StatusUrlTest {
  @TempDir Path dir;

  ExporterConfig config(String listen) throws Exception {
    Path file = dir.resolve("cx.yml");
    Files.writeString(
        file,
        "server: {listen_address: \"" + listen + "\"}\nconnectors: [{name: d, type: demo}]\n");
    return ConfigLoader.standard().load(file);
  }

  @Test
  void theSchemeIsTheWebServersSoTlsFromTheWebConfigLinksWithHttps() throws Exception {
    assertThat(Pipeline.statusUrl(config("cx.example:9877"), "https"))
        .isEqualTo("https://cx.example:9877/");
    assertThat(Pipeline.statusUrl(config("cx.example:9877"), "http"))
        .isEqualTo("http://cx.example:9877/");
  }

  @Test
  void anyAddressLinksToLocalhost() throws Exception {
    assertThat(Pipeline.statusUrl(config(":9877"), "http")).isEqualTo("http://localhost:9877/");
  }
}
