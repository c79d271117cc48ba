package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.model.Record;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The {@code map:} block of one stream kind: JSONPaths per field of a model record, turned into
 * that record. One implementation per kind ({@link TicketMapping}, {@link SurveyMapping}, {@link
 * CustomerMapping}, {@link DealMapping}).
 */
interface RecordMapping {
  /**
   * The record for one item; null skips it (e.g. a rating not answered yet).
   *
   * @param names (table, id) → name, or the id while unknown
   * @throws IllegalArgumentException (or NullPointerException) for an item that cannot be mapped
   */
  Record map(JsonNode item, BiFunction<String, String, String> names);

  /** The id field. */
  FieldSpec id();

  /** Every field the block sets. */
  List<FieldSpec> fields();

  /** The fields whose value may be an id turned into a name by a {@code lookup}. */
  default java.util.Set<String> lookupFields() {
    return java.util.Set.of();
  }

  /** The fields that name a lookup table, for checking the table exists. */
  default List<FieldSpec> withLookups() {
    return fields().stream().filter(f -> f.lookup() != null).toList();
  }

  /** The fields, without the ones not set. */
  static List<FieldSpec> present(FieldSpec... fields) {
    return java.util.Arrays.stream(fields).filter(Objects::nonNull).toList();
  }

  /** A required field: a problem when absent. */
  static FieldSpec required(
      io.cxexporter.config.Settings m,
      String name,
      java.util.Set<String> allowed,
      TimeFormat times) {
    if (!m.has(name)) {
      m.problem(name, "required");
    }
    return FieldSpec.read(m, name, allowed, times);
  }

  /** A field's text, through its lookup when it has one. */
  static String text(FieldSpec f, JsonNode item, BiFunction<String, String, String> names) {
    if (f == null) {
      return null;
    }
    return f.text(item, f.lookup() == null ? null : v -> names.apply(f.lookup(), v));
  }

  /** The record's id; a mapping error when it has none. */
  static String id(FieldSpec id, JsonNode item) {
    String v = id.text(item, null);
    if (v == null) {
      throw new IllegalArgumentException("no id");
    }
    return v;
  }

  /** A required time of a record. */
  static java.time.Instant requiredInstant(FieldSpec f, JsonNode item) {
    java.time.Instant t = f.instant(item);
    if (t == null) {
      throw new IllegalArgumentException(f.key() + ": missing");
    }
    return t;
  }
}
