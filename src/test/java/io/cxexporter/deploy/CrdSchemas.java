package io.cxexporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Prometheus Operator's published CRD schemas (ServiceMonitor, PrometheusRule), vendored in
 * {@code src/test/resources/kubernetes/crds/} (see the README there), as JSON schema validators.
 *
 * <pre>{@code
 * List<String> errors = CrdSchemas.validate(renderedServiceMonitor);   // [] when valid
 * }</pre>
 *
 * <p>A CRD's {@code openAPIV3Schema} is an OpenAPI 3.0 schema, validated with networknt's OpenAPI
 * 3.0 dialect; the {@code x-kubernetes-*} markers are read as annotations. The API server prunes
 * (or, with kubectl's default {@code --validate=strict}, rejects) fields a structural schema does
 * not declare; to check the same, every object schema that lists {@code properties} and neither
 * {@code additionalProperties} nor {@code x-kubernetes-preserve-unknown-fields} is made closed
 * ({@code additionalProperties: false}), so a misspelt field is an error here too.
 */
final class CrdSchemas {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<String> FILES =
      List.of(
          "monitoring.coreos.com_servicemonitors.yaml",
          "monitoring.coreos.com_prometheusrules.yaml");
  private static final Map<String, JsonSchema> BY_KIND = load();

  private CrdSchemas() {}

  /** Every problem of {@code object} against its kind's CRD, sorted; empty when valid. */
  static List<String> validate(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    String key = apiVersion + "/" + object.path("kind").asText();
    JsonSchema schema = BY_KIND.get(key);
    if (schema == null) {
      return List.of("no vendored CRD for " + key + " (have " + BY_KIND.keySet() + ")");
    }
    return schema.validate(object).stream()
        .map(ValidationMessage::getMessage)
        .sorted()
        .collect(Collectors.toList());
  }

  /** The {@code apiVersion/kind} pairs with a schema, e.g. {@code monitoring.coreos.com/v1/..}. */
  static java.util.Set<String> kinds() {
    return BY_KIND.keySet();
  }

  private static Map<String, JsonSchema> load() {
    JsonMetaSchema openApi = OpenApi30.getInstance();
    JsonMetaSchema dialect =
        JsonMetaSchema.builder(openApi.getIri(), openApi)
            .keywords(
                List.of(
                    new NonValidationKeyword("x-kubernetes-int-or-string"),
                    new NonValidationKeyword("x-kubernetes-list-map-keys"),
                    new NonValidationKeyword("x-kubernetes-list-type"),
                    new NonValidationKeyword("x-kubernetes-map-type"),
                    new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"),
                    new NonValidationKeyword("x-kubernetes-embedded-resource"),
                    new NonValidationKeyword("x-kubernetes-validations")))
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
            .metaSchema(dialect)
            .defaultMetaSchemaIri(dialect.getIri())
            .build();
    Map<String, JsonSchema> out = new TreeMap<>();
    for (String file : FILES) {
      JsonNode crd = read(file);
      String group = crd.path("spec").path("group").asText();
      String kind = crd.path("spec").path("names").path("kind").asText();
      for (JsonNode version : crd.path("spec").path("versions")) {
        if (version.path("served").asBoolean()) {
          ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
          close(schema);
          out.put(
              group + "/" + version.path("name").asText() + "/" + kind, factory.getSchema(schema));
        }
      }
    }
    return out;
  }

  /** Makes every object schema with declared properties reject undeclared ones (see above). */
  static void close(JsonNode schema) {
    if (schema instanceof ObjectNode o) {
      if (o.has("properties")
          && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
        o.put("additionalProperties", false);
      }
      o.forEach(CrdSchemas::close);
    } else if (schema.isArray()) {
      schema.forEach(CrdSchemas::close);
    }
  }

  static JsonNode read(String file) {
    try (InputStream in = CrdSchemas.class.getResourceAsStream("/kubernetes/crds/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource kubernetes/crds/" + file);
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
