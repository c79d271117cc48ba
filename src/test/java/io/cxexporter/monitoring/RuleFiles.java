package io.cxexporter.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Prometheus rule files in {@code alert-rules/} ({@code *.rules.yml}), their promtool tests
 * ({@code alert-rules/tests/*.yml}) and the names the issue 4 contract fixes for them.
 *
 * <pre>{@code
 * for (RuleFiles.Rule r : RuleFiles.rules()) {
 *   if (r.isAlert()) { ... r.alert(), r.label("severity"), r.annotation("summary") ... }
 * }
 * }</pre>
 */
final class RuleFiles {
  private RuleFiles() {}

  static final ObjectMapper YAML = new YAMLMapper();

  static final String RUNBOOK_URL =
      "https://github.com/cx-exporter/cx-exporter/blob/main/alert-rules/runbook.md";

  /** Alerts on the customer-service KPIs; each keeps the {@code source} label. */
  static final List<String> KPI_ALERTS =
      List.of(
          "ResolutionTimeSpike",
          "FirstResponseSlow",
          "SlaBreachesRising",
          "SlaAtRisk",
          "BacklogGrowing",
          "UnassignedTicketsAging",
          "CsatDrop",
          "NpsDrop",
          "KpiDurationAboveTarget");

  /** Every alert name of the contract, KPI alerts first. */
  static final List<String> ALERTS =
      Stream.concat(
              KPI_ALERTS.stream(),
              Stream.of(
                  "CxExporterDown",
                  "CxConnectorStale",
                  "CxConnectorRateLimited",
                  "CxConnectorUnauthorized",
                  "CxConnectorClockSkew",
                  "CxExporterShardingMismatch",
                  "CxExporterShardsMissing",
                  "CxAlertingNoLeader",
                  "CxAlertingSplitBrain"))
          .toList();

  /** One rule (alerting or recording) with the file and group it is in. */
  record Rule(Path file, String group, JsonNode node) {
    boolean isAlert() {
      return node.has("alert");
    }

    /** The alert name, or the recorded metric name for a recording rule. */
    String name() {
      return isAlert() ? node.path("alert").asText() : node.path("record").asText();
    }

    String expr() {
      return node.path("expr").asText();
    }

    /** The label's value, or null. */
    String label(String name) {
      JsonNode v = node.path("labels").get(name);
      return v == null ? null : v.asText();
    }

    /** The annotation's text, or null. */
    String annotation(String name) {
      JsonNode v = node.path("annotations").get(name);
      return v == null ? null : v.asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + " / " + group + " / " + name();
    }
  }

  /** The repository root: the nearest directory upwards that holds pom.xml and alert-rules/. */
  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    for (Path d = p; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml"))
          && Files.isDirectory(d.resolve("alert-rules"))) {
        return d;
      }
    }
    throw new IllegalStateException("no pom.xml with alert-rules/ above " + p);
  }

  static Path dir() {
    return root().resolve("alert-rules");
  }

  /** {@code alert-rules/*.rules.yml}, sorted by name. */
  static List<Path> ruleFiles() {
    return list(dir(), ".rules.yml");
  }

  /** {@code alert-rules/tests/*.yml}, sorted by name. */
  static List<Path> testFiles() {
    return list(dir().resolve("tests"), ".yml");
  }

  static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }

  /** Every rule of every rule file, in file and group order. */
  static List<Rule> rules() {
    List<Rule> out = new ArrayList<>();
    for (Path f : ruleFiles()) {
      for (JsonNode g : read(f).path("groups")) {
        for (JsonNode r : g.path("rules")) {
          out.add(new Rule(f, g.path("name").asText(), r));
        }
      }
    }
    return out;
  }

  static List<Rule> alerts() {
    return rules().stream().filter(Rule::isAlert).toList();
  }

  static List<Rule> recordingRules() {
    return rules().stream().filter(r -> !r.isAlert()).toList();
  }

  private static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir.toString(), e);
    }
  }
}
