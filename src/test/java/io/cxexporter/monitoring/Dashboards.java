package io.cxexporter.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Grafana dashboards in {@code grafana-dashboards/}, parsed, and every PromQL query in them
 * with the Grafana variables substituted so it can be run against a real Prometheus.
 *
 * <pre>{@code
 * for (Dashboards.Query q : Dashboards.queries("1m")) {
 *   prom.query(q.expr());                        // instant or range: q.instant()
 * }
 * for (Dashboards.VariableQuery v : Dashboards.variableQueries()) {
 *   // GET /api/v1/label/{v.label()}/values?match[]={v.selector()}
 * }
 * }</pre>
 *
 * <p>Substitution (what Grafana would send with every multi-value variable on "All"):
 *
 * <ul>
 *   <li>{@code $__rate_interval} → the given rate interval (default {@value #RATE_INTERVAL}), or
 *       the query's/panel's min interval ({@code interval}) if that is longer, as Grafana does;
 *   <li>{@code $__interval} → {@value #INTERVAL} (or the min interval if longer), {@code
 *       $__interval_ms} likewise in ms, {@code $__range} → {@value #RANGE}, {@code $__range_s},
 *       {@code $__range_ms};
 *   <li>a dashboard variable with {@code multi} or {@code includeAll} → its {@code allValue}
 *       ({@code .+}); a single-value variable → its saved {@code current} value;
 *   <li>all syntaxes: {@code $var}, {@code ${var}}, {@code ${var:regex}} (any format), {@code
 *       [[var]]}.
 * </ul>
 */
public final class Dashboards {
  public static final String RATE_INTERVAL = "1m";
  public static final String INTERVAL = "30s";
  public static final String RANGE = "1h";

  /** Every panel and query uses exactly this data source reference. */
  public static final String DATASOURCE_UID = "${datasource}";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\{(\\w+)(?::(\\w+))?}|\\[\\[(\\w+)(?::(\\w+))?]]|\\$(\\w+)"); // ${a:fmt} [[a]] $a
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\(\\s*(.+?)\\s*,\\s*(\\w+)\\s*\\)\\s*$", Pattern.DOTALL);

  private Dashboards() {}

  /** One PromQL target of one panel; {@code expr} substituted, {@code rawExpr} as in the file. */
  public record Query(
      String file, String panel, String refId, String expr, String rawExpr, boolean instant) {}

  /**
   * A {@code label_values(selector, label)} variable query, substituted: run it as {@code GET
   * /api/v1/label/<label>/values?match[]=<selector>}.
   */
  public record VariableQuery(
      String file, String variable, String query, String rawQuery, String selector, String label) {}

  /** A parsed dashboard file. */
  public record Dashboard(Path path, JsonNode json) {
    public String file() {
      return path.getFileName().toString();
    }

    public String uid() {
      return json.path("uid").asText();
    }

    public String title() {
      return json.path("title").asText();
    }

    /** Every panel, rows included, panels nested in (collapsed) rows after their row. */
    public List<Panel> panels() {
      List<Panel> out = new ArrayList<>();
      for (JsonNode p : json.path("panels")) {
        out.add(new Panel(this, p));
        for (JsonNode nested : p.path("panels")) {
          out.add(new Panel(this, nested));
        }
      }
      return out;
    }

    public List<JsonNode> variables() {
      List<JsonNode> out = new ArrayList<>();
      json.path("templating").path("list").forEach(out::add);
      return out;
    }

    /** Variable name → the value substituted for it (see the class comment). */
    public Map<String, String> variableValues() {
      Map<String, String> values = new LinkedHashMap<>();
      for (JsonNode v : variables()) {
        String name = v.path("name").asText();
        if (v.path("multi").asBoolean() || v.path("includeAll").asBoolean()) {
          values.put(name, v.hasNonNull("allValue") ? v.path("allValue").asText() : ".+");
        } else {
          JsonNode current = v.path("current").path("value");
          String value = current.isArray() ? current.path(0).asText() : current.asText();
          values.put(name, value.isEmpty() ? ".+" : value);
        }
      }
      return values;
    }
  }

  /** A panel of a dashboard. */
  public record Panel(Dashboard dashboard, JsonNode json) {
    public String type() {
      return json.path("type").asText();
    }

    public String title() {
      return json.path("title").asText();
    }

    public boolean isRowOrText() {
      return type().equals("row") || type().equals("text");
    }

    public List<JsonNode> targets() {
      List<JsonNode> out = new ArrayList<>();
      json.path("targets").forEach(out::add);
      return out;
    }

    @Override
    public String toString() {
      return dashboard.file() + " panel " + json.path("id").asText() + " \"" + title() + "\"";
    }
  }

  /** The repository root (where {@code pom.xml} and {@code grafana-dashboards/} are). */
  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    for (Path dir = p; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("grafana-dashboards"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no grafana-dashboards/ next to a pom.xml above " + p);
  }

  public static Path dir() {
    return repoRoot().resolve("grafana-dashboards");
  }

  /** {@code grafana-dashboards/*.json}, sorted by name. */
  public static List<Path> files() {
    try (Stream<Path> s = Files.list(dir())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Dashboard> load() {
    List<Dashboard> out = new ArrayList<>();
    for (Path f : files()) {
      try {
        out.add(new Dashboard(f, JSON.readTree(f.toFile())));
      } catch (IOException e) {
        throw new UncheckedIOException("invalid JSON in " + f, e);
      }
    }
    return out;
  }

  /** Every panel query of every dashboard, substituted with {@value #RATE_INTERVAL}. */
  public static List<Query> queries() {
    return queries(RATE_INTERVAL);
  }

  /** Every panel query of every dashboard, {@code $__rate_interval} → {@code rateInterval}. */
  public static List<Query> queries(String rateInterval) {
    List<Query> out = new ArrayList<>();
    for (Dashboard d : load()) {
      Map<String, String> vars = d.variableValues();
      for (Panel p : d.panels()) {
        for (JsonNode t : p.targets()) {
          String raw = t.path("expr").asText();
          String minInterval = t.path("interval").asText(p.json().path("interval").asText(""));
          out.add(
              new Query(
                  d.file(),
                  p.title(),
                  t.path("refId").asText(),
                  substitute(raw, vars, rateInterval, minInterval),
                  raw,
                  t.path("instant").asBoolean(false)));
        }
      }
    }
    return out;
  }

  /** Every {@code label_values(selector, label)} variable query of every dashboard. */
  public static List<VariableQuery> variableQueries() {
    List<VariableQuery> out = new ArrayList<>();
    for (Dashboard d : load()) {
      Map<String, String> vars = d.variableValues();
      for (JsonNode v : d.variables()) {
        if (!v.path("type").asText().equals("query")) {
          continue;
        }
        String raw = variableQueryText(v);
        Matcher m = LABEL_VALUES.matcher(raw);
        if (!m.matches()) {
          throw new IllegalStateException(
              d.file()
                  + " variable "
                  + v.path("name").asText()
                  + ": not label_values(...): "
                  + raw);
        }
        String selector = substitute(m.group(1), vars, RATE_INTERVAL, "");
        out.add(
            new VariableQuery(
                d.file(),
                v.path("name").asText(),
                "label_values(" + selector + ", " + m.group(2) + ")",
                raw,
                selector,
                m.group(2)));
      }
    }
    return out;
  }

  /** The query text of a query variable: {@code query} is a string or {@code {query: ...}}. */
  static String variableQueryText(JsonNode variable) {
    JsonNode q = variable.path("query");
    return q.isTextual() ? q.asText() : q.path("query").asText();
  }

  /** {@code label_values(selector, label)} → [selector, label], or null. */
  static String[] parseLabelValues(String query) {
    Matcher m = LABEL_VALUES.matcher(query);
    return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
  }

  /**
   * Substitutes Grafana's built-in and dashboard variables in {@code expr}. Unknown variables are
   * left as they are (the lint test reports them).
   *
   * @param minInterval the query's or panel's {@code interval} ("" if none): Grafana never uses a
   *     smaller {@code $__interval} / {@code $__rate_interval}
   */
  public static String substitute(
      String expr, Map<String, String> variables, String rateInterval, String minInterval) {
    Map<String, String> values = new LinkedHashMap<>(variables);
    String interval = longer(INTERVAL, minInterval);
    values.put("__rate_interval", longer(rateInterval, minInterval));
    values.put("__interval", interval);
    values.put("__interval_ms", Long.toString(seconds(interval) * 1000));
    values.put("__range", RANGE);
    values.put("__range_s", Long.toString(seconds(RANGE)));
    values.put("__range_ms", Long.toString(seconds(RANGE) * 1000));
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
      String value = values.get(name);
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Variable names referenced in {@code text} ({@code $a}, {@code ${a:fmt}}, {@code [[a]]}). */
  static List<String> referencedVariables(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5));
    }
    return out;
  }

  private static String longer(String a, String b) {
    if (b == null || b.isBlank()) {
      return a;
    }
    return seconds(b) > seconds(a) ? b : a;
  }

  /** A Prometheus/Grafana duration ("30s", "1m", "1h30m", "7d", "2w") in seconds. */
  static long seconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)").matcher(duration.trim());
    long total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "ms" -> 0;
            case "s" -> n;
            case "m" -> Duration.ofMinutes(n).toSeconds();
            case "h" -> Duration.ofHours(n).toSeconds();
            case "d" -> Duration.ofDays(n).toSeconds();
            case "w" -> Duration.ofDays(7 * n).toSeconds();
            default -> Duration.ofDays(365 * n).toSeconds();
          };
      end = m.end();
    }
    if (end == 0 || end != duration.trim().length()) {
      throw new IllegalArgumentException("not a duration: " + duration);
    }
    return total;
  }
}
