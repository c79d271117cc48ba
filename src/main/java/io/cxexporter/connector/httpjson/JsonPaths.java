package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.cxexporter.config.Settings;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSONPath over Jackson trees (Jayway {@code json-path} with its {@link
 * JacksonJsonNodeJsonProvider}): records stay {@link JsonNode}s like every other connector's. The
 * configuration is always passed explicitly, so Jayway's default provider (json-smart, excluded
 * from the build) is never loaded.
 */
final class JsonPaths {
  /** Missing leaves read as null instead of throwing; a definite path answers its value. */
  static final Configuration JACKSON =
      Configuration.builder()
          .jsonProvider(new JacksonJsonNodeJsonProvider())
          .mappingProvider(new JacksonMappingProvider())
          .options(EnumSet.of(Option.SUPPRESS_EXCEPTIONS))
          .build();

  /** {@code $}, then {@code .name} or {@code ['name']} or {@code [n]} steps. */
  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\['([^'\\\\]*)'\\]|\\[(\\d+)\\]");

  private JsonPaths() {}

  /** Compiles {@code key}'s path; a problem naming the key (and null) when it does not compile. */
  static JsonPath compile(Settings s, String key, String path) {
    if (path == null) {
      return null;
    }
    if (!path.startsWith("$")) {
      s.problem(key, "expected a JSONPath starting with $, got \"" + path + "\"");
      return null;
    }
    try {
      return JsonPath.compile(path);
    } catch (InvalidPathException | IllegalArgumentException e) {
      s.problem(key, "not a JSONPath (" + e.getMessage() + "): \"" + path + "\"");
      return null;
    }
  }

  /**
   * The value at {@code path} in {@code node}: for a definite path the node there, for an
   * indefinite one (wildcards, filters) the array of matches; {@link MissingNode} when absent.
   */
  static JsonNode read(JsonNode node, JsonPath path) {
    Object v;
    try {
      v = path.read(node, JACKSON);
    } catch (LinkageError e) {
      // Jayway parses an array or object operand of a filter (in, contains, anyof on @.tags)
      // with json-smart; should a build ever drop it, a mapping error for the record, not an
      // Error that ends the stream's sync
      throw new IllegalArgumentException(
          "JSONPath filter "
              + path.getPath()
              + " compares an array or object (in, contains, anyof...), which is not supported;"
              + " filter the array's items instead, e.g. $.tags[?(@ == 'x')]");
    }
    return v instanceof JsonNode n ? n : MissingNode.getInstance();
  }

  /**
   * The JSON pointer for a simple definite path ({@code $.a.b}, {@code $['a'][0]}), or null when
   * the path is not that simple. The kit's paginators and page reader take pointers.
   */
  static String pointer(String path) {
    if (path == null || !path.startsWith("$")) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    Matcher m = STEP.matcher(path);
    int at = 1;
    while (at < path.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      out.append('/').append(name.replace("~", "~0").replace("/", "~1"));
      at = m.end();
    }
    return out.toString();
  }

  /**
   * The JSON pointer of the array a {@code records} path selects: {@code $[*]} → the body, {@code
   * $.data[*]} or {@code $.data} → {@code /data}; null when the path is more than that (filters,
   * deep scan), which this connector does not page over.
   */
  static String recordsPointer(String path) {
    if (path == null) {
      return null;
    }
    String p = path.endsWith("[*]") ? path.substring(0, path.length() - 3) : path;
    return pointer(p);
  }
}
