package io.cxexporter.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** {@code --log.format}: what SLF4J calls become, one line per event. */
class LogFormatTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final Logger log = LoggerFactory.getLogger("io.cxexporter.app.App");

  @BeforeEach
  void capture() {
    LogSettings.redirect(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        Clock.fixed(Instant.parse("2026-12-01T08:30:00.123Z"), ZoneOffset.UTC));
  }

  @AfterEach
  void restore() {
    LogSettings.reset();
    LogSettings.configure(Level.WARN, LogFormat.LOGFMT);
  }

  String written() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logfmtIsTheDefaultAndQuotesWhatNeedsIt() {
    LogSettings.configure(Level.INFO, LogFormat.of("logfmt"));

    log.info("config reloaded from {}: {} connector(s)", "cx.yml", 2);
    log.debug("not at info");

    assertThat(written())
        .isEqualTo(
            "time=2026-12-01T08:30:00.123Z level=info logger=App"
                + " msg=\"config reloaded from cx.yml: 2 connector(s)\"\n");
  }

  @Test
  void jsonIsOneObjectPerLineWithTheException() throws Exception {
    LogSettings.configure(Level.INFO, LogFormat.of("json"));

    log.warn("zd/tickets: page \"not\" read\nsecond line", new IllegalStateException("boom"));

    String text = written();
    assertThat(text.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(text);
    assertThat(line.path("time").asText()).isEqualTo("2026-12-01T08:30:00.123Z");
    assertThat(line.path("level").asText()).isEqualTo("warn");
    assertThat(line.path("logger").asText()).isEqualTo("App");
    assertThat(line.path("msg").asText()).isEqualTo("zd/tickets: page \"not\" read\nsecond line");
    assertThat(line.path("exception").asText())
        .startsWith("java.lang.IllegalStateException: boom\n\tat ");
  }

  @Test
  void aThrowableAfterTheArgumentsIsTheException() throws Exception {
    LogSettings.configure(Level.INFO, LogFormat.JSON);

    log.error("{}: reload failed", "zd", new RuntimeException("x"));

    JsonNode line = new ObjectMapper().readTree(written());
    assertThat(line.path("msg").asText()).isEqualTo("zd: reload failed");
    assertThat(line.path("exception").asText()).startsWith("java.lang.RuntimeException: x");
  }

  @Test
  void theWebServersInfoLinesStayQuiet() {
    LogSettings.configure(Level.INFO, LogFormat.LOGFMT);

    LoggerFactory.getLogger("org.eclipse.jetty.server.Server").info("Started");

    assertThat(written()).isEmpty();
  }

  @Test
  void anUnknownFormatNamesTheAcceptedOnes() {
    assertThatThrownBy(() -> LogFormat.of("xml"))
        .hasMessage("--log.format: expected logfmt or json, got \"xml\"");
  }
}
