package io.cxexporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cxexporter.monitoring.Dashboards;
import io.cxexporter.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with the real {@code kubectl kustomize} (skipped without kubectl outside
 * CI, failed in CI: {@link Tools#require}).
 *
 * <pre>{@code
 * List<JsonNode> objects = Kustomize.render("deploy/kubernetes/base");
 * }</pre>
 */
final class Kustomize {
  private static final YAMLMapper YAML = new YAMLMapper();

  private Kustomize() {}

  /** {@code deploy/kubernetes/} in this repository. */
  static Path deployDir() {
    return Dashboards.repoRoot().resolve("deploy/kubernetes");
  }

  /** Every object {@code kubectl kustomize} renders from {@code dir} (relative to the repo). */
  static List<JsonNode> render(String dir) throws IOException, InterruptedException {
    return render(Dashboards.repoRoot().resolve(dir));
  }

  static List<JsonNode> render(Path dir) throws IOException, InterruptedException {
    Path kubectl = Tools.require("kubectl", "kubectl");
    Path out = Files.createTempFile("kustomize", ".yaml");
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "kubectl kustomize "
                + dir
                + " exited "
                + p.exitValue()
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      List<JsonNode> objects = new ArrayList<>();
      try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out.toFile())) {
        while (it.hasNext()) {
          JsonNode o = it.next();
          if (o != null && !o.isNull() && !o.isMissingNode()) {
            objects.add(o);
          }
        }
      }
      return objects;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * Writes a user's overlay of {@code base} with the given {@code components} under {@code target/}
   * (kustomize only loads paths below or relative to the kustomization), returning its directory.
   */
  static Path overlay(String name, String... components) throws IOException {
    Path root = Dashboards.repoRoot();
    Path dir = Files.createDirectories(root.resolve("target/kustomize-overlays").resolve(name));
    StringBuilder k = new StringBuilder("resources:\n  - ../../../deploy/kubernetes/base\n");
    if (components.length > 0) {
      k.append("components:\n");
      for (String c : components) {
        k.append("  - ../../../deploy/kubernetes/components/").append(c).append('\n');
      }
    }
    Files.writeString(dir.resolve("kustomization.yaml"), k.toString());
    return dir;
  }
}
