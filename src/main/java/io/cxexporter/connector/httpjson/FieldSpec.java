package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.jayway.jsonpath.JsonPath;
import io.cxexporter.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One field of a {@code map:} block: a JSONPath (or a list of them), written alone ({@code id:
 * "$.id"}) or as a block:
 *
 * <pre>{@code
 * status:   {path: "$.status", values: {2: open, 3: pending}, default: open}
 * channel:  {path: "$.via.channel", values: {voice: phone}, keep_others: true}
 * group:    {path: "$.group_id", lookup: groups}
 * solved_at: ["$.stats.resolved_at", "$.stats.closed_at"]     # the first one present
 * escalated: ["$.is_escalated", "$.fr_escalated"]             # a boolean: true when any is
 * first_reply_calendar: {path: "$.reply_time_in_minutes", unit: minutes}
 * satisfied: {path: "$.score", above: 100}
 * reopens:  {path: "$.stats.reopened_at", exists: true}
 * created_at: {path: "$.created", format: epoch_s}
 * deleted:  {value: true}                                     # a constant
 * }</pre>
 *
 * {@code values} keys are matched as text ({@code 2} and {@code "2"} are one key); an entry mapped
 * to {@code ""} (or nothing) makes the field unknown. A value missing from the map is {@code
 * default}, itself with {@code keep_others: true}, or else a mapping error ({@link Unmapped}: never
 * a silent guess). A null, empty or missing value is unknown (null), whatever the map says.
 *
 * @param key the field's full config path, for messages
 * @param paths the compiled JSONPaths, tried in order (empty for a constant, or after a problem)
 * @param constant the {@code value:} of a constant field, or null
 * @param values vendor value (as text) → the model's value ({@code ""}: unknown)
 * @param def the value for anything not in {@code values}, or null
 * @param keepOthers values not in {@code values} pass through as they are
 * @param lookup the {@code lookups} table that turns the value (an id) into a name, or null
 * @param unit for durations: seconds, minutes or ms (default seconds)
 * @param above for a boolean: true when the number is greater than this
 * @param exists for a boolean or count: true (1) when the value is present and not empty
 * @param format for times: how the value is written
 */
record FieldSpec(
    String key,
    List<JsonPath> paths,
    JsonNode constant,
    Map<String, String> values,
    String def,
    boolean keepOthers,
    String lookup,
    String unit,
    Double above,
    boolean exists,
    TimeFormat format) {

  /** The units a duration may be given in. */
  static final Set<String> UNITS = Set.of("seconds", "minutes", "ms");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A vendor value the {@code values} map does not know, with no default: a mapping error. */
  static final class Unmapped extends IllegalArgumentException {
    final String field;
    final String value;

    Unmapped(String field, String value) {
      super(field + ": no mapping for value \"" + value + "\"");
      this.field = field;
      this.value = value;
    }
  }

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
    if (map.isList(name)) {
      return plain(full, compileAll(map, name), timeFormat);
    }
    if (!map.isMapping(name)) {
      String p = map.string(name);
      return plain(full, only(JsonPaths.compile(map, name, p)), timeFormat);
    }
    Settings f = map.object(name);
    List<JsonPath> paths = List.of();
    JsonNode constant = null;
    if (f.has("path") == f.has("value")) {
      f.problem(
          null, "expected path or value (a constant), not " + (f.has("path") ? "both" : "neither"));
      f.optionalString("path");
      f.raw("value");
    } else if (f.has("value")) {
      constant = JSON.valueToTree(f.raw("value").orElse(null));
      if (!constant.isValueNode()) {
        f.problem("value", "expected a single value, got " + constant.getNodeType());
        constant = null;
      }
    } else if (f.isList("path")) {
      paths = compileAll(f, "path");
    } else {
      paths = only(JsonPaths.compile(f, "path", f.string("path")));
    }
    Map<String, String> values = new LinkedHashMap<>();
    Optional<Settings> vs = f.optionalObject("values");
    if (vs.isPresent()) {
      Settings v = vs.get();
      for (String k : v.keys()) {
        String to = v.string(k, "");
        if (allowed != null && !to.isEmpty() && !allowed.contains(to)) {
          v.problem(
              k,
              "expected one of "
                  + String.join(", ", sorted(allowed))
                  + " (or \"\" for unknown), got \""
                  + to
                  + "\"");
        }
        values.put(k, to);
      }
    }
    String def = f.optionalString("default").orElse(null);
    if (def != null && allowed != null && !def.isEmpty() && !allowed.contains(def)) {
      f.problem(
          "default",
          "expected one of " + String.join(", ", sorted(allowed)) + ", got \"" + def + "\"");
    }
    boolean keepOthers = f.bool("keep_others", false);
    if (keepOthers && allowed != null) {
      f.problem("keep_others", "not for a field with fixed values; use default");
    }
    if (keepOthers && def != null) {
      f.problem("keep_others", "set default or keep_others, not both");
    }
    if ((keepOthers || def != null) && values.isEmpty()) {
      f.problem(keepOthers ? "keep_others" : "default", "needs values");
    }
    String lookup = f.optionalString("lookup").orElse(null);
    if (lookup != null && !values.isEmpty()) {
      f.problem("lookup", "set values or lookup, not both (values are matched before a lookup)");
    }
    String unit = f.string("unit", "seconds");
    if (!UNITS.contains(unit)) {
      f.problem("unit", "expected seconds, minutes or ms, got \"" + unit + "\"");
      unit = "seconds";
    }
    Double above = f.optionalDouble("above").orElse(null);
    boolean exists = f.bool("exists", false);
    TimeFormat format = TimeFormat.read(f, "format", timeFormat);
    return new FieldSpec(
        full,
        paths,
        constant,
        Map.copyOf(values),
        def,
        keepOthers,
        lookup,
        unit,
        above,
        exists,
        format);
  }

  private static FieldSpec plain(String key, List<JsonPath> paths, TimeFormat format) {
    return new FieldSpec(
        key, paths, null, Map.of(), null, false, null, "seconds", null, false, format);
  }

  private static List<JsonPath> only(JsonPath p) {
    return p == null ? List.of() : List.of(p);
  }

  private static List<JsonPath> compileAll(Settings s, String key) {
    List<String> texts = s.strings(key);
    if (texts.isEmpty()) {
      s.problem(key, "expected at least one JSONPath");
    }
    List<JsonPath> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      JsonPath p = JsonPaths.compile(s, key + "[" + i + "]", texts.get(i));
      if (p != null) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** The first path, or null (a constant): for the id's pointer. */
  JsonPath path() {
    return paths.isEmpty() ? null : paths.get(0);
  }

  /** True for {@code value: true}. */
  boolean isConstantTrue() {
    return constant != null && constant.asBoolean(false);
  }

  /**
   * The raw value: the constant, else the first path's value that is present (arrays for indefinite
   * paths); missing when none is.
   */
  JsonNode raw(JsonNode item) {
    if (constant != null) {
      return constant;
    }
    JsonNode last = MissingNode.getInstance();
    for (JsonPath p : paths) {
      JsonNode v = JsonPaths.read(item, p);
      if (!absent(v)) {
        return v;
      }
      last = v;
    }
    return last;
  }

  private List<JsonNode> all(JsonNode item) {
    if (constant != null) {
      return List.of(constant);
    }
    List<JsonNode> out = new ArrayList<>(paths.size());
    for (JsonPath p : paths) {
      out.add(JsonPaths.read(item, p));
    }
    return out;
  }

  private static boolean absent(JsonNode v) {
    return v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isEmpty());
  }

  private static String textOf(JsonNode v) {
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /**
   * {@code t} through {@code values}: the entry (null for {@code ""}), or {@code default}, or
   * {@code t} itself with {@code keep_others}.
   *
   * @throws Unmapped for a value the map does not know
   */
  private String mapped(String t) {
    String m = values.get(t);
    if (m == null) {
      if (keepOthers) {
        return t;
      }
      if (def == null) {
        throw new Unmapped(key, t);
      }
      m = def;
    }
    return m.isEmpty() ? null : m;
  }

  /**
   * The field as text: the {@code values} entry of the raw value (or {@code default}), a name from
   * {@code names} when the field has a {@code lookup}, or the value itself; null when unknown.
   *
   * @throws Unmapped for a value the map does not know and no default
   */
  String text(JsonNode item, Function<String, String> names) {
    JsonNode v = raw(item);
    if (absent(v)) {
      return null;
    }
    String t = textOf(v);
    if (!values.isEmpty()) {
      return mapped(t);
    }
    return lookup != null && names != null ? names.apply(t) : t;
  }

  /**
   * Checks that {@code f}, a time field, uses {@code values} only to name placeholders that mean
   * "not set" ({@code {"1970-01-01T00:00:00Z": ""}}, Request Tracker's unset date): any other value
   * is read as a time, so a default, {@code keep_others} or a value mapped to anything but {@code
   * ""} would be ignored and is refused instead.
   *
   * @return {@code f}
   */
  static FieldSpec time(Settings map, String name, FieldSpec f) {
    if (f == null) {
      return null;
    }
    boolean other = f.values.values().stream().anyMatch(v -> !v.isEmpty());
    if (other || f.def != null || f.keepOthers) {
      map.problem(
          name,
          "a time's values only map placeholders to \"\" (unknown), e.g. values:"
              + " {\"1970-01-01T00:00:00Z\": \"\"}; every other value is read as a time");
    }
    return f;
  }

  /** A time; null when absent or a {@code values} placeholder for "not set". */
  Instant instant(JsonNode item) {
    JsonNode v = raw(item);
    if (!values.isEmpty() && !absent(v) && values.containsKey(textOf(v))) {
      return null; // a placeholder (only "" targets pass the config check)
    }
    try {
      return format.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  /** A duration in {@code unit}; null when absent. */
  Duration duration(JsonNode item) {
    Double n = number(item);
    if (n == null) {
      return null;
    }
    long ms =
        Math.round(
            switch (unit) {
              case "minutes" -> n * 60_000;
              case "ms" -> n;
              default -> n * 1000;
            });
    if (ms < 0) {
      throw new IllegalArgumentException(key + ": negative duration " + n);
    }
    return Duration.ofMillis(ms);
  }

  /** A number (through {@code values} when it has them); null when unknown. */
  Double number(JsonNode item) {
    JsonNode v = raw(item);
    if (absent(v)) {
      return null;
    }
    if (!values.isEmpty()) {
      String m = mapped(textOf(v));
      return m == null ? null : parse(m, m);
    }
    return v.isNumber() ? Double.valueOf(v.asDouble()) : parse(v.asText(), v.asText());
  }

  private double parse(String text, String shown) {
    try {
      double d = Double.parseDouble(text.trim());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a number: \"" + shown + "\"");
    }
  }

  /** A boolean, false when unknown. */
  boolean bool(JsonNode item) {
    Boolean b = optionalBool(item);
    return b != null && b;
  }

  /**
   * A boolean: {@code exists}, {@code above}, {@code values}, or the value itself; with several
   * paths, true when any is true. Null when unknown (no value, or a value mapped to {@code ""});
   * with {@code exists}, never null.
   */
  Boolean optionalBool(JsonNode item) {
    if (!values.isEmpty()) {
      String t = text(item, null);
      return t == null ? null : "true".equals(t);
    }
    Boolean out = null;
    for (JsonNode v : all(item)) {
      Boolean b = boolOf(v);
      if (b != null) {
        if (b) {
          return true;
        }
        out = false;
      }
    }
    return out;
  }

  private Boolean boolOf(JsonNode v) {
    if (exists) {
      return !absent(v) && !(v.isContainerNode() && v.isEmpty());
    }
    if (absent(v)) {
      return null;
    }
    if (above != null) {
      return (v.isNumber() ? v.asDouble() : parse(v.asText(), v.asText())) > above;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new IllegalArgumentException(key + ": not a boolean: \"" + v.asText() + "\"");
    };
  }

  /** A whole number ({@code exists}: 1 when present); 0 when absent. */
  int count(JsonNode item) {
    Integer n = optionalCount(item);
    return n == null ? 0 : n;
  }

  /** A whole number that may be unknown ({@code exists}: 1 or 0). */
  Integer optionalCount(JsonNode item) {
    if (exists) {
      return bool(item) ? 1 : 0;
    }
    Double n = number(item);
    if (n == null) {
      return null;
    }
    if (n < 0 || n > Integer.MAX_VALUE || n != Math.rint(n)) {
      throw new IllegalArgumentException(key + ": not a count: " + n);
    }
    return n.intValue();
  }

  /** A list of strings: an array's items, or one comma-separated text. */
  List<String> strings(JsonNode item) {
    JsonNode v = raw(item);
    List<String> out = new ArrayList<>();
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
