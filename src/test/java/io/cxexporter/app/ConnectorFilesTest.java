package io.cxexporter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cxexporter.config.ConfigException;
import io.cxexporter.connector.ConnectorFactory;
import io.cxexporter.connector.demo.DemoConnectorFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code connector_files}: connectors kept in files of their own (issue 18). */
class ConnectorFilesTest {
  @TempDir Path dir;
  final Map<String, String> env = new HashMap<>(Map.of("ACME_SEED", "7"));
  final ConfigLoader loader =
      new ConfigLoader(
          env::get, Map.<String, ConnectorFactory<?>>of("demo", new DemoConnectorFactory()));

  Path main(String yaml) throws Exception {
    Path f = dir.resolve("cx.yml");
    Files.writeString(f, yaml);
    return f;
  }

  void write(String relative, String yaml) throws Exception {
    Path f = dir.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.writeString(f, yaml);
  }

  List<String> problems(Path file) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.load(file));
    assertThat(e).as("rejected").isNotNull();
    return e.problems();
  }

  @Test
  void filesAreReadInSortedPathOrderAfterTheMainList() throws Exception {
    write("conf.d/b.yml", "connectors: [{name: b1, type: demo}, {name: b2, type: demo}]\n");
    write("conf.d/a.yml", "connectors: [{name: a1, type: demo}]\n");
    write("conf.d/notes.txt", "not a connector file\n");

    ExporterConfig c =
        loader.load(
            main("connector_files: [\"conf.d/*.yml\"]\nconnectors: [{name: m, type: demo}]\n"));

    assertThat(c.connectors())
        .extracting(ConnectorSpec::name)
        .containsExactly("m", "a1", "b1", "b2");
    assertThat(c.connectors())
        .extracting(ConnectorSpec::file)
        .containsExactly(
            dir.resolve("cx.yml").toString(), "conf.d/a.yml", "conf.d/b.yml", "conf.d/b.yml");
  }

  @Test
  void theMainListMayBeAbsentOrEmpty() throws Exception {
    write("conf.d/a.yml", "connectors: [{name: a1, type: demo}]\n");

    assertThat(loader.load(main("connector_files: [\"conf.d/*.yml\"]\n")).connectors())
        .extracting(ConnectorSpec::name)
        .containsExactly("a1");
    assertThat(loader.load(main("connector_files: [conf.d/*.yml]\nconnectors: []\n")).connectors())
        .extracting(ConnectorSpec::name)
        .containsExactly("a1");
  }

  @Test
  void absolutePatternsAndSeveralPatternsReadEachFileOnce() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("x.yml"), "connectors: [{name: x, type: demo}]\n");
    write("conf.d/a.yml", "connectors: [{name: a, type: demo}]\n");

    ExporterConfig c =
        loader.load(
            main(
                "connector_files: [\""
                    + elsewhere
                    + "/*.yml\", \"conf.d/*.yml\", \"conf.d/a.yml\", \"**/a.yml\"]\n"));

    assertThat(c.connectors()).extracting(ConnectorSpec::name).containsExactly("a", "x");
  }

  @Test
  void aMountedConfigMapsHiddenLinksAreSkipped() throws Exception {
    // kubelet's layout: conf.d/a.yml -> ..data/a.yml, ..data -> ..2026_12_01_13_00_00.1/
    Path conf = Files.createDirectories(dir.resolve("conf.d"));
    Path stamp = Files.createDirectories(conf.resolve("..2026_12_01_13_00_00.1"));
    Files.writeString(stamp.resolve("a.yml"), "connectors: [{name: a, type: demo}]\n");
    Files.createSymbolicLink(conf.resolve("..data"), stamp.getFileName());
    Files.createSymbolicLink(conf.resolve("a.yml"), Path.of("..data/a.yml"));

    ExporterConfig c = loader.load(main("connector_files: [\"conf.d/**.yml\"]\n"));

    assertThat(c.connectors()).extracting(ConnectorSpec::name).containsExactly("a");
  }

  @Test
  void aPatternThatMatchesNothingIsNoErrorAndMayLeaveNoConnectors() throws Exception {
    Files.createDirectories(dir.resolve("conf.d")); // an empty ConfigMap still mounts its folder

    ExporterConfig c = loader.load(main("connector_files: [\"conf.d/*.yml\"]\n"));

    assertThat(c.connectors()).isEmpty();
  }

  @Test
  void aPatternWhoseFolderIsMissingIsAnError() throws Exception {
    assertThat(problems(main("connector_files: [\"conf.e/*.yml\", \"one.yml\", \"\"]\n")))
        .containsExactly(
            "connector_files[0]: no such folder " + dir.resolve("conf.e"),
            "connector_files[1]: no such file " + dir.resolve("one.yml"),
            "connector_files[2]: must not be empty");
  }

  @Test
  void errorsNameTheFileAndTheKeyPath() throws Exception {
    write(
        "conf.d/acme.yml",
        """
        connectors:
          - {name: acme-1, type: demo}
          - {name: acme-2, type: demo}
          - {name: acme-3, type: demo, poll_interval: soon}
        server: {listen_address: ":1"}
        """);

    assertThat(problems(main("connector_files: [\"conf.d/*.yml\"]\n")))
        .containsExactly(
            "conf.d/acme.yml: connectors[2].poll_interval: expected a duration like 60s, 15m,"
                + " 1h30m or 7d, got \"soon\"",
            "conf.d/acme.yml: server: unknown key");
  }

  @Test
  void aFileThatIsNotYamlNamesItself() throws Exception {
    write("conf.d/bad.yml", "connectors: [{name: x\n");

    assertThat(problems(main("connector_files: [\"conf.d/*.yml\"]\n")))
        .singleElement()
        .asString()
        .startsWith("conf.d/bad.yml: line ")
        .contains("not valid YAML");
  }

  @Test
  void duplicatesBetweenTheMainFileAndAFileNameBoth() throws Exception {
    write("conf.d/a.yml", "connectors: [{name: m, type: demo}]\n");
    Path main = main("connector_files: [\"conf.d/*.yml\"]\nconnectors: [{name: m, type: demo}]\n");

    assertThat(problems(main))
        .containsExactly(
            "conf.d/a.yml: connectors[0].name: duplicate connector name \"m\" (also in "
                + main
                + ")");
  }

  @Test
  void secretsAndTheirFilesCountInAConnectorsFingerprint() throws Exception {
    write(
        "conf.d/a.yml",
        "connectors: [{name: a, type: demo, seed: \"${ACME_SEED}\"}, {name: b, type: demo}]\n");
    Path main = main("connector_files: [\"conf.d/*.yml\"]\n");
    ExporterConfig first = loader.load(main);

    ExporterConfig same = loader.load(main);
    env.put("ACME_SEED", "8");
    ExporterConfig changed = loader.load(main);

    assertThat(same.connectors().get(0).sameAs(first.connectors().get(0))).isTrue();
    assertThat(changed.connectors().get(0).sameAs(first.connectors().get(0)))
        .as("a changed environment variable changes the connector")
        .isFalse();
    assertThat(changed.connectors().get(1).sameAs(first.connectors().get(1))).isTrue();
    assertThat(changed.sameBesidesConnectors(first)).isTrue();
    assertThat(first.connectors().get(0).toString())
        .doesNotContain(first.connectors().get(0).fingerprint());
  }

  @Test
  void aReferencedFilesContentCountsInTheFingerprint() throws Exception {
    Files.writeString(dir.resolve("token"), "one");
    Map<String, Object> block = Map.of("name", "zd", "auth", Map.of("token_file", "token"));
    String before = io.cxexporter.config.Fingerprint.of(block, dir, n -> null);

    Files.writeString(dir.resolve("token"), "two");

    assertThat(io.cxexporter.config.Fingerprint.of(block, dir, n -> null)).isNotEqualTo(before);
    Files.writeString(dir.resolve("token"), "one");
    assertThat(io.cxexporter.config.Fingerprint.of(block, dir, n -> null)).isEqualTo(before);
  }

  @Test
  void aChangeOutsideTheConnectorsIsNotAConnectorsOnlyChange() throws Exception {
    write("conf.d/a.yml", "connectors: [{name: a, type: demo}]\n");
    ExporterConfig first = loader.load(main("connector_files: [\"conf.d/*.yml\"]\n"));
    write("conf.d/a.yml", "connectors: [{name: a, type: demo}, {name: b, type: demo}]\n");
    ExporterConfig moreConnectors = loader.load(main("connector_files: [\"conf.d/*.yml\"]\n"));
    ExporterConfig otherKpi =
        loader.load(main("connector_files: [\"conf.d/*.yml\"]\nkpi: {windows: [1h]}\n"));
    ExporterConfig otherAlerting =
        loader.load(
            main("connector_files: [\"conf.d/*.yml\"]\nalerting: {evaluation_interval: 10s}\n"));

    assertThat(moreConnectors.sameBesidesConnectors(first)).isTrue();
    assertThat(otherKpi.sameBesidesConnectors(first)).isFalse();
    assertThat(otherAlerting.sameBesidesConnectors(first)).isFalse();
  }

  @Test
  void theExampleRunsThreeDemoConnectorsFromTwoFiles() throws Exception {
    ExporterConfig c =
        new ConfigLoader(n -> null, ConfigLoader.discoverFactories())
            .load(Path.of("examples/connector-files.yml"));

    assertThat(c.connectors())
        .extracting(ConnectorSpec::name, ConnectorSpec::file)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("acme-support", "conf.d/acme.yml"),
            org.assertj.core.groups.Tuple.tuple("acme-billing", "conf.d/acme.yml"),
            org.assertj.core.groups.Tuple.tuple("globex", "conf.d/globex.yml"));
    assertThat(c.connectors()).extracting(ConnectorSpec::type).containsOnly("demo");
  }

  @Test
  void configCheckReadsTheConnectorFiles() throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cli =
        new picocli.CommandLine(new Main())
            .setOut(new java.io.PrintWriter(out, true))
            .setErr(new java.io.PrintWriter(err, true));
    assertThat(cli.execute("--config.file=examples/connector-files.yml", "--config.check"))
        .isZero();
    assertThat(out.toString())
        .isEqualTo(
            "examples/connector-files.yml: valid, 3 connector(s): acme-support (demo),"
                + " acme-billing (demo), globex (demo)\n");

    write("conf.d/a.yml", "connectors: [{name: a, type: demo, pol_interval: 5s}]\n");
    Path main = main("connector_files: [\"conf.d/*.yml\"]\n");
    assertThat(cli.execute("--config.file=" + main, "--config.check")).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            main + ": 1 problem(s):\n  conf.d/a.yml: connectors[0].pol_interval: unknown key\n");
  }
}
