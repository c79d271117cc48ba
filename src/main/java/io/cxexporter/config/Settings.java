package io.cxexporter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict, path-aware reader over one block of the YAML config. Every read names the key it reads;
 * a missing, malformed or unknown key becomes a problem with its full path ({@code
 * connectors[0].poll_interval: expected a duration like 60s, got "soon"}) and reading goes on, so
 * one run reports every problem. Strings get {@code ${ENV}} substitution, and {@link
 * #secret(String)} reads {@code key} or {@code key_file}.
 *
 * <pre>{@code
 * Duration poll = settings.duration("poll_interval", Duration.ofSeconds(60));
 * Optional<Secret> token = settings.secret("token");   // token: ... or token_file: ...
 * settings.finish();                                    // unknown keys become problems
 * }</pre>
 */
public final class Settings {
  private static final Pattern ENV = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  private final String path;
  private final Map<String, Object> values;
  private final Problems problems;
  private final Function<String, String> env;
  private final Path baseDir;
  private final Set<String> read = new LinkedHashSet<>();
  private final List<Settings> children = new ArrayList<>();
  private boolean finished;

  private Settings(
      String path,
      Map<String, Object> values,
      Problems problems,
      Function<String, String> env,
      Path baseDir) {
    this.path = path;
    this.values = values;
    this.problems = problems;
    this.env = env;
    this.baseDir = baseDir;
  }

  /**
   * The top-level reader.
   *
   * @param values the parsed YAML mapping (maps, lists, strings, numbers, booleans)
   * @param env looks up environment variables for {@code ${NAME}}
   * @param baseDir where relative {@code *_file} paths are resolved (the config file's folder)
   */
  public static Settings root(
      Map<String, Object> values, Problems problems, Function<String, String> env, Path baseDir) {
    return new Settings("", values == null ? Map.of() : values, problems, env, baseDir);
  }

  /** An empty reader, for a connector built without any options (tests, the built-in demo). */
  public static Settings empty(String path, Problems problems) {
    return new Settings(path, Map.of(), problems, k -> null, Path.of("."));
  }

  /** The path of this block, e.g. {@code connectors[0]}. */
  public String path() {
    return path;
  }

  /** The full path of a key in this block. */
  public String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The problems collected so far (shared with the whole config). */
  public Problems problems() {
    return problems;
  }

  /** Records a problem with a key of this block (for checks across keys). */
  public void problem(String key, String message) {
    problems.add(key == null ? path : path(key), message);
  }

  /** True when the key is present (and not null). */
  public boolean has(String key) {
    return values.get(key) != null;
  }

  /**
   * True when {@code key} holds a mapping (for keys written either as a string or as a block, like
   * an http_json field: {@code id: "$.id"} or {@code status: {path: "$.status", values: ...}}).
   */
  public boolean isMapping(String key) {
    return values.get(key) instanceof Map;
  }

  /** True when {@code key} holds a list. */
  public boolean isList(String key) {
    return values.get(key) instanceof List;
  }

  /**
   * The value at {@code key} as plain data, for a block passed on as written (an http_json POST
   * body): mappings, lists, numbers, booleans and strings, with {@code ${ENV}} substituted in every
   * string (a missing variable is a problem naming the string's path). Empty when absent.
   */
  public Optional<Object> raw(String key) {
    read.add(key);
    Object v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(substituteAll(path(key), v));
  }

  private Object substituteAll(String at, Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k.toString(), substituteAll(at + "." + k, x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(substituteAll(at + "[" + i + "]", l.get(i)));
      }
      return out;
    }
    if (v instanceof String s) {
      String r = substitute(at, s, true);
      return r == null ? "" : r;
    }
    return v;
  }

  /**
   * An environment variable, through the same lookup as {@code ${NAME}} substitution: for defaults
   * that come from the environment ({@code alerting.ha.kubernetes_lease.namespace} from {@code
   * POD_NAMESPACE}). Empty when unset or empty.
   */
  public Optional<String> environment(String name) {
    return Optional.ofNullable(env.apply(name)).filter(v -> !v.isEmpty());
  }

  /** The keys present in this block, in file order. Reading them marks none as used. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(values.keySet());
  }

  /** A required string. */
  public String string(String key) {
    Optional<String> v = optionalString(key);
    if (v.isEmpty() && !values.containsKey(key)) {
      problem(key, "required");
    } else if (v.isEmpty() && values.get(key) == null) {
      problem(key, "required, but empty");
    }
    return v.orElse(null);
  }

  /** A string with a default. */
  public String string(String key, String def) {
    return optionalString(key).orElse(def);
  }

  /** A string, if present; numbers and booleans are read as their text. */
  public Optional<String> optionalString(String key) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Map || v instanceof List) {
      problem(key, "expected a string, got a " + (v instanceof Map ? "mapping" : "list"));
      return Optional.empty();
    }
    return Optional.ofNullable(substitute(key, v.toString()));
  }

  /** A duration like {@code 90s}, {@code 1h30m}, {@code 30d}; must not be negative. */
  public Duration duration(String key, Duration def) {
    return optionalString(key).map(s -> parseDurationOrProblem(key, s, def)).orElse(def);
  }

  private Duration parseDurationOrProblem(String key, String s, Duration def) {
    try {
      return parseDuration(s);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return def;
    }
  }

  /**
   * Parses {@code 0}, {@code 500ms}, {@code 60s}, {@code 1h30m}, {@code 30d}, {@code 2w}.
   *
   * @throws IllegalArgumentException with a message naming what was wrong
   */
  public static Duration parseDuration(String s) {
    String t = s.trim();
    if (t.startsWith("-")) {
      throw new IllegalArgumentException("must not be negative, got \"" + s + "\"");
    }
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(t);
    Duration total = Duration.ZERO;
    int at = 0;
    while (m.find() && m.start() == at) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
              });
      at = m.end();
    }
    if (at == 0 || at != t.length()) {
      throw new IllegalArgumentException(
          "expected a duration like 60s, 15m, 1h30m or 7d, got \"" + s + "\"");
    }
    return total;
  }

  /** Formats a duration the way the config writes it: {@code 90d}, {@code 1h}, {@code 30s}. */
  public static String formatDuration(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() != 0) {
      return d.toMillis() + "ms";
    }
    if (s == 0) {
      return "0s";
    }
    if (s % 604800 == 0 && s / 604800 < 5) {
      return s / 86400 + "d";
    }
    if (s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  /** A whole number within {@code [min, max]}. */
  public long longValue(String key, long def, long min, long max) {
    Optional<String> v = optionalString(key);
    if (v.isEmpty()) {
      return def;
    }
    try {
      long n = Long.parseLong(v.get().trim());
      if (n < min || n > max) {
        problem(key, "must be between " + min + " and " + max + ", got " + n);
        return def;
      }
      return n;
    } catch (NumberFormatException e) {
      problem(key, "expected a whole number, got \"" + v.get() + "\"");
      return def;
    }
  }

  /** A whole number within {@code [min, max]}. */
  public int intValue(String key, int def, int min, int max) {
    return (int) longValue(key, def, min, max);
  }

  /** A number, if present. */
  public Optional<Double> optionalDouble(String key) {
    Optional<String> v = optionalString(key);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      double d = Double.parseDouble(v.get().trim());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        problem(key, "expected a finite number, got \"" + v.get() + "\"");
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (NumberFormatException e) {
      problem(key, "expected a number, got \"" + v.get() + "\"");
      return Optional.empty();
    }
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String key, boolean def) {
    Optional<String> v = optionalString(key);
    if (v.isEmpty()) {
      return def;
    }
    return switch (v.get().trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problem(key, "expected true or false, got \"" + v.get() + "\"");
        yield def;
      }
    };
  }

  /**
   * A secret given inline ({@code token: ...}, {@code ${ENV}} allowed) or as a file ({@code
   * token_file: /run/secrets/x}, trailing newline trimmed). Both at once is a problem; neither is
   * empty.
   */
  public Optional<Secret> secret(String key) {
    String fileKey = key + "_file";
    boolean inline = has(key);
    boolean file = has(fileKey);
    if (inline && file) {
      problem(key, "set either " + key + " or " + fileKey + ", not both");
    }
    if (file) {
      String p = optionalString(fileKey).orElse(null);
      read.add(key);
      if (p == null) {
        return Optional.empty();
      }
      Path f = baseDir.resolve(p);
      try {
        String s = Files.readString(f, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
          problem(fileKey, "file " + f + " is empty");
          return Optional.empty();
        }
        return Optional.of(new Secret(s));
      } catch (IOException | SecurityException e) {
        problem(fileKey, "cannot read file " + f + " (" + e.getClass().getSimpleName() + ")");
        return Optional.empty();
      }
    }
    read.add(fileKey);
    Optional<String> v = optionalString(key);
    if (inline && v.isPresent() && v.get().isEmpty()) {
      problem(key, "is empty");
      return Optional.empty();
    }
    return v.map(Secret::new);
  }

  /** A secret that must be there, as {@code key} or {@code key_file}. */
  public Secret requiredSecret(String key) {
    Optional<Secret> s = secret(key);
    if (s.isEmpty() && !has(key) && !has(key + "_file")) {
      problem(key, "required (or " + key + "_file)");
    }
    return s.orElse(null);
  }

  /** A nested mapping; an empty reader when absent. */
  public Settings object(String key) {
    return optionalObject(key).orElseGet(() -> child(path(key), Map.of()));
  }

  /** A nested mapping, if present. */
  @SuppressWarnings("unchecked")
  public Optional<Settings> optionalObject(String key) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Map)) {
      problem(key, "expected a mapping (key: value), got " + describe(v));
      return Optional.empty();
    }
    return Optional.of(child(path(key), (Map<String, Object>) v));
  }

  /** A list of mappings; empty when absent. */
  @SuppressWarnings("unchecked")
  public List<Settings> objects(String key) {
    List<Settings> out = new ArrayList<>();
    forEachItem(
        key,
        (p, item) -> {
          if (item instanceof Map) {
            out.add(child(p, (Map<String, Object>) item));
          } else {
            problems.add(p, "expected a mapping (key: value), got " + describe(item));
          }
        });
    return out;
  }

  /** A list of strings; empty when absent. */
  public List<String> strings(String key) {
    List<String> out = new ArrayList<>();
    forEachItem(
        key,
        (p, item) -> {
          if (item == null || item instanceof Map || item instanceof List) {
            problems.add(p, "expected a string, got " + describe(item));
          } else {
            String v = substitute(p, item.toString(), true);
            out.add(v == null ? "" : v); // a missing variable is already a problem
          }
        });
    return out;
  }

  /** Calls {@code action(path, item)} for each item of the list at {@code key}. */
  private void forEachItem(String key, java.util.function.BiConsumer<String, Object> action) {
    read.add(key);
    Object v = values.get(key);
    if (v == null) {
      return;
    }
    if (!(v instanceof List<?> list)) {
      problem(key, "expected a list, got " + describe(v));
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      action.accept(path(key) + "[" + i + "]", list.get(i));
    }
  }

  /**
   * Reports every key of this block (and of the blocks read from it) that nobody read: a typo like
   * {@code pol_interval} must not be silently ignored.
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    for (String k : values.keySet()) {
      if (!read.contains(k)) {
        problem(k, "unknown key");
      }
    }
    for (Settings c : children) {
      c.finish();
    }
  }

  /**
   * The same block read afresh, reporting into {@code into}: builds a running connector from a
   * block that was validated earlier (environment variables and secret files are read again).
   */
  public Settings copyFor(Problems into) {
    return new Settings(path, values, into, env, baseDir);
  }

  /**
   * Every key this block and the blocks read from it asked for, present in the file or not, by the
   * path of its block ({@code connectors[0].auth.oauth2 → [scheme, token_url, client_id, ...]}): a
   * parser's vocabulary, for a test that a connector's documentation names every key it accepts.
   */
  public Map<String, Set<String>> keysAsked() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    collectKeysAsked(out);
    return out;
  }

  private void collectKeysAsked(Map<String, Set<String>> out) {
    out.computeIfAbsent(path, p -> new LinkedHashSet<>()).addAll(read);
    children.forEach(c -> c.collectKeysAsked(out));
  }

  /**
   * The {@link Fingerprint} of this block as written: its values with {@code ${ENV}} resolved and
   * the files its {@code *_file} keys name (relative to this config file's folder).
   */
  public String fingerprint() {
    return Fingerprint.of(values, baseDir, env);
  }

  /** Marks every key of this block as read, so {@link #finish()} reports none of them. */
  public void markAllRead() {
    read.addAll(values.keySet());
  }

  private Settings child(String p, Map<String, Object> v) {
    Settings c = new Settings(p, new LinkedHashMap<>(v), problems, env, baseDir);
    children.add(c);
    return c;
  }

  private String substitute(String key, String s) {
    return substitute(path(key), s, true);
  }

  private String substitute(String fullPath, String s, boolean report) {
    if (s.indexOf('$') < 0) {
      return s;
    }
    Matcher m = ENV.matcher(s);
    StringBuilder sb = new StringBuilder();
    boolean missing = false;
    while (m.find()) {
      String rep;
      if (m.group(1) == null) {
        rep = "$";
      } else {
        rep = env.apply(m.group(1));
        if (rep == null) {
          if (report) {
            problems.add(fullPath, "environment variable " + m.group(1) + " is not set");
          }
          missing = true;
          rep = "";
        }
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(rep));
    }
    m.appendTail(sb);
    return missing ? null : sb.toString();
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    return "\"" + v + "\"";
  }
}
