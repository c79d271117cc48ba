package io.cxexporter.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxexporter.monitoring.Dashboards;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Grafana dashboards as Kubernetes ConfigMaps: {@code deploy/kubernetes/base/dashboards/} holds
 * one minified copy of each {@code grafana-dashboards/*.json} and a generated {@code
 * kustomization.yaml} that makes one ConfigMap per dashboard, labelled {@code grafana_dashboard:
 * "1"} for the Grafana sidecar.
 *
 * <p>The canonical minification of a dashboard file is Jackson's compact re-serialisation of the
 * parsed file ({@code new ObjectMapper().writeValueAsString(tree)}: object keys in file order, no
 * whitespace between tokens, strings as Jackson escapes them) followed by one newline.
 *
 * <pre>{@code
 * DashboardConfigMaps.write(Dashboards.dir(), DashboardConfigMaps.dir());   // regenerate
 * DashboardConfigMaps.problems(Dashboards.dir(), DashboardConfigMaps.dir()) // [] when current
 * }</pre>
 */
final class DashboardConfigMaps {
  /** The one command that rewrites the generated files. */
  static final String REGENERATE =
      "mvn -B -q test -Dtest=DashboardConfigMapsTest -Dcx.regenerate=true";

  /** kubectl's client-side apply keeps the whole object in one annotation; all fit in this. */
  static final int ANNOTATION_LIMIT_BYTES = 262_144;

  static final String GENERATED = "kustomization.yaml";

  /** The Grafana folder, as in grafana-dashboards/provisioning/dashboards/cx-exporter.yml. */
  static final String FOLDER = "Customer Service";

  private static final ObjectMapper JSON = new ObjectMapper();

  private DashboardConfigMaps() {}

  /** {@code deploy/kubernetes/base/dashboards/}. */
  static Path dir() {
    return Dashboards.repoRoot().resolve("deploy/kubernetes/base/dashboards");
  }

  /** The canonical minification of a dashboard file (see the class comment). */
  static String canonical(Path dashboard) {
    try {
      return JSON.writeValueAsString(JSON.readTree(dashboard.toFile())) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("invalid JSON in " + dashboard, e);
    }
  }

  /** The ConfigMap a dashboard file becomes: {@code grafana-dashboard-cx-overview}. */
  static String configMapName(String dashboardFileName) {
    return "grafana-dashboard-" + dashboardFileName.replaceFirst("\\.json$", "");
  }

  /** The generated kustomization.yaml for the given dashboard file names (sorted). */
  static String kustomization(List<String> dashboardFileNames) {
    StringBuilder b =
        new StringBuilder(
            """
            # GENERATED from grafana-dashboards/*.json by DashboardConfigMapsTest: do not edit by hand.
            # After changing a dashboard, regenerate this folder with:
            #   %s
            # (the build fails while it and grafana-dashboards/ differ).
            #
            # Each <name>.json is its dashboard minified: Jackson's compact re-serialisation of the
            # parsed file (keys in file order), plus one newline. One ConfigMap per dashboard keeps
            # each well under the 262,144 bytes kubectl's client-side apply stores in its
            # last-applied-configuration annotation. The Grafana sidecar loads every ConfigMap
            # labelled grafana_dashboard: "1" (kube-prometheus-stack: in Grafana's namespace unless
            # sidecar.dashboards.searchNamespace is ALL); grafana_folder names the folder (as the
            # file provisioning of grafana-dashboards/provisioning does) where the sidecar's
            # folderAnnotation is set to it.
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            generatorOptions:
              disableNameSuffixHash: true
              labels:
                app.kubernetes.io/name: cx-exporter
                app.kubernetes.io/component: dashboards
                grafana_dashboard: "1"
              annotations:
                grafana_folder: Customer Service
            configMapGenerator:
            """
                .formatted(REGENERATE));
    for (String f : dashboardFileNames.stream().sorted().toList()) {
      b.append("  - name: ").append(configMapName(f)).append('\n');
      b.append("    files:\n");
      b.append("      - ").append(f).append('\n');
    }
    return b.toString();
  }

  /** What the generated folder must hold: file name to content. */
  static Map<String, String> render(Path sourceDir) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    for (Path f : jsonFiles(sourceDir)) {
      String name = f.getFileName().toString();
      names.add(name);
      out.put(name, canonical(f));
    }
    out.put(GENERATED, kustomization(names));
    return out;
  }

  /** Rewrites {@code generatedDir} from {@code sourceDir}, removing files no dashboard makes. */
  static void write(Path sourceDir, Path generatedDir) throws IOException {
    Map<String, String> want = render(sourceDir);
    Files.createDirectories(generatedDir);
    for (String existing : fileNames(generatedDir)) {
      if (!want.containsKey(existing)) {
        Files.delete(generatedDir.resolve(existing));
      }
    }
    for (Map.Entry<String, String> e : want.entrySet()) {
      Files.writeString(generatedDir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
  }

  /** Every way {@code generatedDir} differs from what {@code sourceDir} makes; empty if none. */
  static List<String> problems(Path sourceDir, Path generatedDir) throws IOException {
    Map<String, String> want = render(sourceDir);
    List<String> out = new ArrayList<>();
    List<String> have = Files.isDirectory(generatedDir) ? fileNames(generatedDir) : List.of();
    for (Map.Entry<String, String> e : want.entrySet()) {
      Path p = generatedDir.resolve(e.getKey());
      if (!have.contains(e.getKey())) {
        out.add(p + ": missing");
      } else if (!Arrays.equals(
          Files.readAllBytes(p), e.getValue().getBytes(StandardCharsets.UTF_8))) {
        out.add(p + ": stale, not what " + sourceDir + " makes");
      }
    }
    for (String h : have) {
      if (!want.containsKey(h)) {
        out.add(generatedDir.resolve(h) + ": no dashboard in " + sourceDir + " makes it");
      }
    }
    return out;
  }

  /**
   * The bytes of the last-applied-configuration annotation kubectl would write for a dashboard's
   * ConfigMap: the object as JSON, with Go's HTML escaping of {@code < > &} (6 bytes each).
   */
  static int lastAppliedBytes(String dashboardFileName, String content) {
    ObjectNode cm = JSON.createObjectNode();
    cm.put("apiVersion", "v1");
    cm.put("kind", "ConfigMap");
    ObjectNode meta = cm.putObject("metadata");
    meta.putObject("annotations").put("grafana_folder", FOLDER);
    meta.putObject("labels")
        .put("app.kubernetes.io/component", "dashboards")
        .put("app.kubernetes.io/name", "cx-exporter")
        .put("grafana_dashboard", "1");
    meta.put("name", configMapName(dashboardFileName));
    meta.put("namespace", "a-namespace-name-of-the-longest-kind-63-characters-long-xxxxxxx");
    cm.putObject("data").put(dashboardFileName, content);
    try {
      String json = JSON.writeValueAsString(cm);
      long html = json.chars().filter(c -> c == '<' || c == '>' || c == '&').count();
      return json.getBytes(StandardCharsets.UTF_8).length + (int) (5 * html);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a minified copy; the same tree as its source when it is current. */
  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> jsonFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
