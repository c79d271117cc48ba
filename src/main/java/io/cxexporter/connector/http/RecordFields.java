package io.cxexporter.connector.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the fields a record cannot do without. Jackson's {@code asText()} of a JSON {@code null} is
 * the text {@code "null"}: read that way, every record with a null id would collapse into one
 * record "null", and a null status would fall to a mapper's default. These refuse instead, so the
 * record is rejected ({@code kind="mapping"}) with a reason naming the field.
 */
public final class RecordFields {
  private RecordFields() {}

  /**
   * An id: a non-blank string or an integral number, as text.
   *
   * @param field the field's name in the vendor's JSON, for the reason
   * @throws IllegalArgumentException when it is missing, null, blank or anything else
   */
  public static String id(JsonNode n, String field) {
    if (n.isIntegralNumber() || (n.isTextual() && !n.asText().isBlank())) {
      return n.asText();
    }
    throw new IllegalArgumentException(field + ": " + missingOr(n, "not an id"));
  }

  /**
   * A required text value: a non-blank string.
   *
   * @throws IllegalArgumentException when it is missing, null, blank or not a string
   */
  public static String text(JsonNode n, String field) {
    if (n.isTextual() && !n.asText().isBlank()) {
      return n.asText();
    }
    throw new IllegalArgumentException(field + ": " + missingOr(n, "not text"));
  }

  private static String missingOr(JsonNode n, String otherwise) {
    if (n.isMissingNode()) {
      return "missing";
    }
    if (n.isNull()) {
      return "null";
    }
    return n.isTextual() ? "blank" : otherwise + ": " + n;
  }
}
