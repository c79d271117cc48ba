package io.cxexporter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cxexporter.app.ConfigLoader;
import io.cxexporter.app.ExporterConfig;
import io.cxexporter.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The config the Kubernetes manifests ship (deploy/kubernetes/base/config/cx.yml and the connectors
 * ConfigMap's files, base/connectors/ and sharded/connectors/) is a valid cx-exporter config: the
 * exporter's own loader accepts it, with the conf.d files' connectors in place of {@code
 * connector_files} (which the pod resolves from its mount).
 */
class KubernetesConfigTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  static final String CONF_D = "/etc/cx-exporter/conf.d/*.yml";

  @Test
  void baseConfigWithItsConnectorsLoads() throws Exception {
    ExporterConfig cfg = load(List.of("base/connectors"));
    assertThat(cfg.connectors()).extracting(c -> c.name()).containsExactly("demo");
    assertThat(cfg.statePath().toString()).isEqualTo("/var/lib/cx-exporter");
  }

  @Test
  void shardedConfigWithAllItsConnectorsLoads() throws Exception {
    ExporterConfig cfg = load(List.of("base/connectors", "sharded/connectors"));
    assertThat(cfg.connectors()).hasSize(6);
  }

  @Test
  void theMainConfigTakesItsConnectorsFromConfD() throws IOException {
    JsonNode main = YAML.readTree(Kustomize.deployDir().resolve("base/config/cx.yml").toFile());
    assertThat(main.path("connector_files")).hasSize(1);
    assertThat(main.path("connector_files").path(0).asText()).isEqualTo(CONF_D);
    assertThat(main.path("connectors")).isEmpty();
  }

  @Test
  void eachConnectorFileHoldsOnlyAConnectorsList() throws IOException {
    for (Path f : connectorFiles(List.of("base/connectors", "sharded/connectors"))) {
      JsonNode tree = YAML.readTree(f.toFile());
      assertThat(tree.properties()).as(f.toString()).hasSize(1);
      assertThat(tree.path("connectors").isArray()).as(f.toString()).isTrue();
      assertThat(tree.path("connectors")).as(f.toString()).isNotEmpty();
    }
  }

  /** The check bites: a typo in a conf.d file is reported with its path. */
  @Test
  void aBadConnectorIsRejected() throws IOException {
    ObjectNode main = inlined(List.of("base/connectors"));
    ((ObjectNode) main.path("connectors").path(0)).put("pol_interval", "15s");
    assertThatThrownBy(() -> parse(main))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("connectors[0].pol_interval: unknown key");
  }

  private static ExporterConfig load(List<String> connectorDirs) throws Exception {
    return parse(inlined(connectorDirs));
  }

  private static ExporterConfig parse(ObjectNode main) throws IOException, ConfigException {
    return ConfigLoader.standard()
        .parse(YAML.writeValueAsString(main), "cx.yml", Kustomize.deployDir());
  }

  /** base/config/cx.yml with the connectors of every file in the given folders inlined. */
  private static ObjectNode inlined(List<String> connectorDirs) throws IOException {
    ObjectNode main =
        (ObjectNode) YAML.readTree(Kustomize.deployDir().resolve("base/config/cx.yml").toFile());
    main.remove("connector_files");
    ArrayNode connectors = main.putArray("connectors");
    for (Path f : connectorFiles(connectorDirs)) {
      YAML.readTree(f.toFile()).path("connectors").forEach(connectors::add);
    }
    return main;
  }

  private static List<Path> connectorFiles(List<String> dirs) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String d : dirs) {
      try (Stream<Path> s = Files.list(Kustomize.deployDir().resolve(d))) {
        out.addAll(s.filter(p -> p.toString().endsWith(".yml")).sorted().toList());
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }
}
