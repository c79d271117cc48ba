package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/base/prometheus-rule.yaml is the Prometheus Operator rendering of
 * alert-rules/*.rules.yml: the same groups under {@code spec.groups}. The file is generated; this
 * test fails when it differs from the rule files (compared as YAML trees, not as text), and with
 * {@code -Dcx.regenerate=true} it rewrites the file instead:
 *
 * <pre>{@code
 * mvn -B -q test -Dtest=PrometheusRuleTest -Dcx.regenerate=true
 * }</pre>
 */
class PrometheusRuleTest {
  static final String REGENERATE = "mvn -B -q test -Dtest=PrometheusRuleTest -Dcx.regenerate=true";

  static final String HEADER =
      """
      # GENERATED from alert-rules/*.rules.yml by PrometheusRuleTest: do not edit by hand.
      # After changing a rule file, regenerate it with:
      #   %s
      # (the build fails while this file and the rule files differ).
      #
      # A PrometheusRule for the Prometheus Operator (keep_firing_for needs operator >= 0.66).
      # Its labels must match your Prometheus resource's ruleSelector; kube-prometheus-stack,
      # for example, selects `release: <helm release name>`: add that label with the kustomize
      # component deploy/kubernetes/components/prometheus-release (README "Kubernetes").
      """
          .formatted(REGENERATE);

  private static final YAMLMapper WRITER =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  static Path file() {
    return RuleFiles.root().resolve("deploy/kubernetes/base/prometheus-rule.yaml");
  }

  /** The PrometheusRule as a tree: every group of every rule file, in file-name order. */
  static ObjectNode render() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode rule = f.objectNode();
    rule.put("apiVersion", "monitoring.coreos.com/v1");
    rule.put("kind", "PrometheusRule");
    ObjectNode metadata = rule.putObject("metadata");
    metadata.put("name", "cx-exporter");
    ObjectNode labels = metadata.putObject("labels");
    labels.put("app.kubernetes.io/name", "cx-exporter");
    labels.put("app.kubernetes.io/component", "alerting");
    ArrayNode groups = rule.putObject("spec").putArray("groups");
    for (Path p : RuleFiles.ruleFiles()) {
      RuleFiles.read(p).path("groups").forEach(groups::add);
    }
    return rule;
  }

  /** The file's text: the header comment, then the YAML. */
  static String renderText() throws IOException {
    return HEADER + WRITER.writeValueAsString(render());
  }

  /** With {@code -Dcx.regenerate=true}, rewrite the file before any test reads it. */
  @BeforeAll
  static void regenerateIfAsked() throws IOException {
    if (Boolean.getBoolean("cx.regenerate")) {
      Files.createDirectories(file().getParent());
      Files.writeString(file(), renderText(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theCheckedInFileIsTheRenderingOfTheRuleFiles() throws IOException {
    assertThat(file()).as("missing; create it with: " + REGENERATE).isRegularFile();
    JsonNode actual = RuleFiles.read(file());
    JsonNode expected = render();
    assertThat(firstDifference("", actual, expected))
        .as(
            file()
                + " differs from alert-rules/*.rules.yml (first difference shown);"
                + " regenerate it with: "
                + REGENERATE)
        .isNull();
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void theFileSaysItIsGeneratedAndHowToRegenerateIt() throws IOException {
    assertThat(Files.readString(file())).startsWith(HEADER);
  }

  @Test
  void theRenderingReadsBackAsTheSameTree() throws IOException {
    assertThat(RuleFiles.YAML.readTree(renderText())).isEqualTo(render());
  }

  @Test
  void itHoldsExactlyTheGroupsOfTheRuleFiles() {
    JsonNode actual = RuleFiles.read(file());
    assertThat(actual.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(actual.path("kind").asText()).isEqualTo("PrometheusRule");
    List<String> fromFiles = new ArrayList<>();
    for (Path p : RuleFiles.ruleFiles()) {
      RuleFiles.read(p).path("groups").forEach(g -> fromFiles.add(g.path("name").asText()));
    }
    List<String> inRule = new ArrayList<>();
    actual.path("spec").path("groups").forEach(g -> inRule.add(g.path("name").asText()));
    assertThat(inRule).containsExactlyElementsOf(fromFiles).doesNotHaveDuplicates();
    assertThat(fromFiles).contains("cx-recording", "cx-kpi", "cx-exporter");
  }

  /** A JSON-pointer-like path to the first place two trees differ, with both values; or null. */
  static String firstDifference(String path, JsonNode a, JsonNode b) {
    if (a.getNodeType() != b.getNodeType() || a.isValueNode() && !a.equals(b)) {
      return path + ": file has " + a + ", rule files give " + b;
    }
    if (a.isArray()) {
      for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
        if (i >= a.size() || i >= b.size()) {
          return path + "/" + i + ": only in the " + (i < a.size() ? "file" : "rule files");
        }
        String d = firstDifference(path + "/" + i, a.get(i), b.get(i));
        if (d != null) {
          return d;
        }
      }
    }
    if (a.isObject()) {
      List<String> names = new ArrayList<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(n -> names.add(names.contains(n) ? null : n));
      for (String n : names.stream().filter(Objects::nonNull).toList()) {
        if (!a.has(n) || !b.has(n)) {
          return path + "/" + n + ": only in the " + (a.has(n) ? "file" : "rule files");
        }
        String d = firstDifference(path + "/" + n, a.get(n), b.get(n));
        if (d != null) {
          return d;
        }
      }
    }
    return null;
  }
}
