package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import io.cxexporter.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One field of a {@code map:} block: a JSONPath, written alone ({@code id: "$.id"}) or as a block:
 *
 * <pre>{@code
 * status:   {path: "$.status", values: {2: open, 3: pending}, default: open}
 * group:    {path: "$.group_id", lookup: groups}
 * first_reply_calendar: {path: "$.reply_time_in_minutes", unit: minutes}
 * satisfied: {path: "$.score", above: 100}
 * reopens:  {path: "$.stats.reopened_at", exists: true}
 * created_at: {path: "$.created", format: epoch_s}
 * }</pre>
 *
 * {@code values} keys are matched as text ({@code 2} and {@code "2"} are one key); a value missing
 * from the map is {@code default}, or without one a mapping error (never a silent guess). A null or
 * missing value is null (the field is unknown), whatever the map says.
 *
 * @param key the field's full config path, for messages
 * @param path the compiled JSONPath (null only after a problem)
 * @param values vendor value (as text) → the model's value
 * @param def the value for anything not in {@code values}, or null
 * @param lookup the {@code lookups} table that turns the value (an id) into a name, or null
 * @param unit for durations: seconds, minutes or ms (default seconds)
 * @param above for a boolean: true when the number is greater than this
 * @param exists for a boolean or count: true (1) when the value is present and not empty
 * @param format for times: how the value is written
 */
record FieldSpec(
    String key,
    JsonPath path,
    Map<String, String> values,
    String def,
    String lookup,
    String unit,
    Double above,
    boolean exists,
    TimeFormat format) {

  /** The units a duration may be given in. */
  static final Set<String> UNITS = Set.of("seconds", "minutes", "ms");

  /**
   * Reads field {@code name} of {@code map}; null when absent.
   *
   * @param allowed the model values {@code values} and {@code default} may name (null: any text)
   * @param timeFormat the default time format of this field
   */
  static FieldSpec read(Settings map, String name, Set<String> allowed, TimeFormat timeFormat) {
    if (!map.has(name)) {
      map.optionalString(name); // marks it read
      return null;
    }
    String full = map.path(name);
    if (!map.isMapping(name)) {
      String p = map.string(name);
      return new FieldSpec(
          full,
          JsonPaths.compile(map, name, p),
          Map.of(),
          null,
          null,
          "seconds",
          null,
          false,
          timeFormat);
    }
    Settings f = map.object(name);
    JsonPath path = JsonPaths.compile(f, "path", f.string("path"));
    Map<String, String> values = new LinkedHashMap<>();
    Optional<Settings> vs = f.optionalObject("values");
    if (vs.isPresent()) {
      Settings v = vs.get();
      for (String k : v.keys()) {
        String to = v.string(k, "");
        if (allowed != null && !allowed.contains(to)) {
          v.problem(
              k, "expected one of " + String.join(", ", sorted(allowed)) + ", got \"" + to + "\"");
        }
        values.put(k, to);
      }
    }
    String def = f.optionalString("default").orElse(null);
    if (def != null && allowed != null && !allowed.contains(def)) {
      f.problem(
          "default",
          "expected one of " + String.join(", ", sorted(allowed)) + ", got \"" + def + "\"");
    }
    String lookup = f.optionalString("lookup").orElse(null);
    String unit = f.string("unit", "seconds");
    if (!UNITS.contains(unit)) {
      f.problem("unit", "expected seconds, minutes or ms, got \"" + unit + "\"");
      unit = "seconds";
    }
    Double above = f.optionalDouble("above").orElse(null);
    boolean exists = f.bool("exists", false);
    TimeFormat format = TimeFormat.read(f, "format", timeFormat);
    return new FieldSpec(full, path, Map.copyOf(values), def, lookup, unit, above, exists, format);
  }

  private static java.util.List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** The raw value at the path (arrays for indefinite paths); missing when absent. */
  JsonNode raw(JsonNode item) {
    return JsonPaths.read(item, path);
  }

  private static boolean absent(JsonNode v) {
    return v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isEmpty());
  }

  /**
   * The field as text: the {@code values} entry of the raw value (or {@code default}), a name from
   * {@code names} when the field has a {@code lookup}, or the value itself; null when absent.
   *
   * @throws IllegalArgumentException for a value the map does not know and no default
   */
  String text(JsonNode item, Function<String, String> names) {
    JsonNode v = raw(item);
    if (absent(v)) {
      return null;
    }
    String t = v.isValueNode() ? v.asText() : v.toString();
    if (!values.isEmpty()) {
      String mapped = values.get(t);
      if (mapped == null) {
        if (def == null) {
          throw new IllegalArgumentException(key + ": no mapping for value \"" + t + "\"");
        }
        mapped = def;
      }
      return mapped;
    }
    return lookup != null && names != null ? names.apply(t) : t;
  }

  /** A time; null when absent. */
  java.time.Instant instant(JsonNode item) {
    JsonNode v = raw(item);
    try {
      return format.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  /** A duration in {@code unit}; null when absent. */
  Duration duration(JsonNode item) {
    JsonNode v = raw(item);
    if (absent(v)) {
      return null;
    }
    double n = number(v);
    long ms =
        Math.round(
            switch (unit) {
              case "minutes" -> n * 60_000;
              case "ms" -> n;
              default -> n * 1000;
            });
    if (ms < 0) {
      throw new IllegalArgumentException(key + ": negative duration " + v.asText());
    }
    return Duration.ofMillis(ms);
  }

  /** A boolean: {@code values}, {@code above}, {@code exists}, or the value itself. */
  boolean bool(JsonNode item) {
    JsonNode v = raw(item);
    if (exists) {
      return !absent(v) && !(v.isArray() && v.isEmpty());
    }
    if (above != null) {
      return !absent(v) && number(v) > above;
    }
    if (!values.isEmpty() || def != null) {
      String t = absent(v) ? def : text(item, null);
      return "true".equals(t);
    }
    if (absent(v)) {
      return false;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return switch (v.asText().trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new IllegalArgumentException(key + ": not a boolean: \"" + v.asText() + "\"");
    };
  }

  /** A whole number ({@code exists}: 1 when present); 0 when absent. */
  int count(JsonNode item) {
    JsonNode v = raw(item);
    if (exists) {
      return absent(v) ? 0 : 1;
    }
    return absent(v) ? 0 : (int) number(v);
  }

  /** An integer that may be unknown. */
  Integer optionalCount(JsonNode item) {
    JsonNode v = raw(item);
    return absent(v) ? null : count(item);
  }

  private double number(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    try {
      return Double.parseDouble(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a number: \"" + v.asText() + "\"");
    }
  }

  /** A list of strings: an array's items, or one comma-separated text. */
  java.util.List<String> strings(JsonNode item) {
    JsonNode v = raw(item);
    java.util.List<String> out = new java.util.ArrayList<>();
    if (v.isArray()) {
      v.forEach(x -> out.add(x.asText()));
    } else if (!absent(v)) {
      for (String t : v.asText().split(",")) {
        if (!t.isBlank()) {
          out.add(t.trim());
        }
      }
    }
    return out;
  }
}
