package io.cxexporter.connector.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Reads a JSON body into the tree {@link ApiResponse#body()} holds. {@link #TREE} keeps everything;
 * a connector reading large pages can keep only the fields it maps, so the parser skips the rest
 * instead of building nodes for them (a Zendesk export page is mostly fields nobody reads).
 */
@FunctionalInterface
public interface BodyReader {
  /** The whole document. */
  BodyReader TREE = p -> p.readValueAsTree();

  /**
   * Reads the document from {@code p} (positioned before its first token; it was created by a
   * codec, so {@link JsonParser#readValueAsTree()} works). Null or a missing node means an empty
   * body.
   *
   * @throws IOException for malformed JSON ({@link com.fasterxml.jackson.core.JsonParseException})
   */
  JsonNode read(JsonParser p) throws IOException;
}
