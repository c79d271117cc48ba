package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return new CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void configCheckAcceptsAValidFile() {
    assertThat(run("--config.file=examples/demo.yml", "--config.check")).isZero();
    assertThat(out.toString()).isEqualTo("examples/demo.yml: valid, 1 connector(s): demo (demo)\n");
  }

  @Test
  void configCheckListsEveryProblemWithoutAStackTrace() throws Exception {
    Path f = dir.resolve("bad.yml");
    Files.writeString(
        f,
        "connectors:\n  - {name: demo, type: demo, pol_interval: 60s}\n  - {name: demo, type: nope}\n");

    assertThat(run("--config.file", f.toString(), "--config.check")).isEqualTo(1);

    assertThat(err.toString())
        .isEqualTo(
            f
                + ": 3 problem(s):\n"
                + "  connectors[0].pol_interval: unknown key\n"
                + "  connectors[1].name: duplicate connector name \"demo\"\n"
                + "  connectors[1].type: unknown connector type \"nope\" (known: "
                + String.join(", ", io.cxexporter.app.ConfigLoader.discoverFactories().keySet())
                + ")\n");
  }

  @Test
  void withoutAConfigFileTheBuiltInDemoIsChecked() {
    assertThat(run("--config.check")).isZero();
    assertThat(out.toString()).startsWith("built-in demo: valid");
  }

  @Test
  void badFlagsAreRejected() {
    assertThat(run("--log.level=loud", "--config.check")).isEqualTo(2);
    assertThat(err.toString()).contains("--log.level: expected one of debug, info, warn, error");
    assertThat(run("--web.listen-address=nowhere", "--config.check")).isEqualTo(1);
    assertThat(err.toString())
        .contains("--web.listen-address: 1 problem(s):\n  expected host:port");
    assertThat(run("--no-such-flag")).isEqualTo(2);
  }

  @Test
  void versionPrintsTheVersionAndRevisionOfTheBuild() throws Exception {
    java.util.Properties build = new java.util.Properties();
    try (var in = App.class.getResourceAsStream("build.properties")) {
      build.load(in);
    }

    assertThat(run("--version")).isZero();

    assertThat(out.toString())
        .isEqualTo(
            "cx-exporter "
                + build.getProperty("version")
                + " ("
                + build.getProperty("revision")
                + ")\n");
  }

  @Test
  void configCheckAcceptsTheExampleWebConfig() {
    assertThat(
            run(
                "--config.file=examples/demo.yml",
                "--web.config.file=examples/web-config.yml",
                "--config.check"))
        .isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void configCheckFailsOnAKeyThatDoesNotMatchItsCertificate() throws Exception {
    Path web = dir.resolve("web.yml");
    Files.writeString(
        web,
        "tls_server_config:\n  cert_file: "
            + Path.of("src/test/resources/web/server.pem").toAbsolutePath()
            + "\n  key_file: "
            + Path.of("src/test/resources/web/server2-key.pem").toAbsolutePath()
            + "\n");

    assertThat(run("--web.config.file=" + web, "--config.check")).isEqualTo(1);

    assertThat(err.toString())
        .isEqualTo(
            "--web.config.file "
                + web
                + ": tls_server_config.key_file: the key in "
                + Path.of("src/test/resources/web/server2-key.pem").toAbsolutePath()
                + " does not match the certificate in "
                + Path.of("src/test/resources/web/server.pem").toAbsolutePath()
                + "\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badWebFlagsAreRejected() {
    assertThat(run("--web.telemetry-path=metrics", "--config.check")).isEqualTo(2);
    assertThat(run("--web.max-requests=-1", "--config.check")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "--web.telemetry-path: expected a path such as /metrics (not / or /-/...), got"
                + " \"metrics\"\n"
                + "--web.max-requests: expected 0 (no limit) or more, got -1\n");
  }

  @Test
  void aBadLogFormatIsRejectedWithExit1() {
    assertThat(run("--log.format=xml", "--config.check")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("--log.format: expected logfmt or json, got \"xml\"\n");
    assertThat(out.toString()).isEmpty();
  }
}
