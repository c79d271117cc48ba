package io.cxexporter.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dashboard is valid JSON and valid against Grafana's own dashboard model
 * (src/test/resources/grafana/dashboard.schema.json, generated from {@code @grafana/schema}; see
 * the README next to it).
 */
class DashboardSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = loadSchema();

  private static JsonSchema loadSchema() {
    try (InputStream in =
        DashboardSchemaTest.class.getResourceAsStream("/grafana/dashboard.schema.json")) {
      assertThat(in).as("grafana/dashboard.schema.json on the test classpath").isNotNull();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Path> dashboards() {
    return Dashboards.files().stream();
  }

  @Test
  void theThreeDashboardsExist() {
    assertThat(Dashboards.files().stream().map(p -> p.getFileName().toString()))
        .containsExactly("cx-exporter.json", "cx-overview.json", "cx-teams.json");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void validAgainstGrafanaSchema(Path file) throws IOException {
    JsonNode dashboard = JSON.readTree(file.toFile()); // fails on invalid JSON
    Set<ValidationMessage> errors = SCHEMA.validate(dashboard);
    assertThat(errors).as(file.getFileName() + " against dashboard.schema.json").isEmpty();
  }

  /** The schema is strict, so the check above means something. */
  @Test
  void schemaRejectsTyposAndBadEnums() throws IOException {
    JsonNode good = JSON.readTree(Dashboards.dir().resolve("cx-overview.json").toFile());

    ObjectNode typo = good.deepCopy();
    ObjectNode grid = (ObjectNode) typo.path("panels").path(0).path("gridPos");
    grid.set("width", grid.remove("w"));
    ObjectNode badEnum = good.deepCopy();
    badEnum.put("graphTooltip", "shared");
    ObjectNode unknownField = good.deepCopy();
    unknownField.putArray("__inputs");
    ObjectNode badThreshold = good.deepCopy();
    ((ObjectNode) badThreshold.path("panels").path(0).path("fieldConfig").path("defaults"))
        .putObject("thresholds")
        .put("mode", "relative");

    for (JsonNode bad : List.of(typo, badEnum, unknownField, badThreshold)) {
      assertThat(SCHEMA.validate(bad)).isNotEmpty();
    }
    assertThat(SCHEMA.validate(good)).isEmpty();
  }
}
