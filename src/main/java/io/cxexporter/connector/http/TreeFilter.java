package io.cxexporter.connector.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * A {@link BodyReader} that builds only part of the tree: in an object, the fields named (each with
 * its own filter) and, unless {@link #only}, every other field whole; an array applies the filter
 * to each element. Skipped values are still parsed (a malformed body fails as with {@link
 * BodyReader#TREE}), just not built. Nodes are those {@link BodyReader#TREE} builds (ints as int or
 * long nodes, fractions as doubles).
 *
 * <pre>{@code
 * // a Zendesk export page: every top-level field, but of each ticket only what is mapped
 * TreeFilter page = TreeFilter.all(Map.of("tickets", TreeFilter.only("id", "status", ...)));
 * }</pre>
 */
public final class TreeFilter implements BodyReader {
  /** Keeps everything. */
  public static final TreeFilter ALL = new TreeFilter(true, Map.of());

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final boolean others;
  private final Map<String, TreeFilter> fields;

  private TreeFilter(boolean others, Map<String, TreeFilter> fields) {
    this.others = others;
    this.fields = Map.copyOf(fields);
  }

  /** Objects keep only these fields, each filtered by its own filter. */
  public static TreeFilter only(Map<String, TreeFilter> fields) {
    return new TreeFilter(false, fields);
  }

  /** Objects keep only these fields, whole. */
  public static TreeFilter only(String... names) {
    Map<String, TreeFilter> m = new java.util.HashMap<>();
    for (String n : names) {
      m.put(n, ALL);
    }
    return new TreeFilter(false, m);
  }

  /** Objects keep every field; these ones filtered by their own filters. */
  public static TreeFilter all(Map<String, TreeFilter> fields) {
    return new TreeFilter(true, fields);
  }

  @Override
  public JsonNode read(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    return t == null ? null : value(p, t);
  }

  private JsonNode value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        return object(p);
      case START_ARRAY:
        ArrayNode a = NODES.arrayNode();
        for (t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
          a.add(value(p, t));
        }
        return a;
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
            ? NODES.numberNode(p.getDecimalValue())
            : NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        return p.readValueAsTree();
    }
  }

  private ObjectNode object(JsonParser p) throws IOException {
    ObjectNode o = NODES.objectNode();
    for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
      String name = p.currentName();
      JsonToken v = next(p);
      TreeFilter f = fields.get(name);
      if (f == null && others) {
        f = ALL;
      }
      if (f == null) {
        p.skipChildren();
      } else {
        o.set(name, f.value(p, v));
      }
    }
    return o;
  }

  private static JsonToken next(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new JsonParseException(p, "Unexpected end-of-input");
    }
    return t;
  }
}
