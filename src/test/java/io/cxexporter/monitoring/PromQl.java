package io.cxexporter.monitoring;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A small PromQL scanner for the dashboard lint rules: finds the vector selectors of an expression
 * with their label matchers, range and innermost enclosing function. Not a validating parser (the
 * end-to-end test runs every query on a real Prometheus); it knows enough of the grammar to tell
 * metric names from functions, keywords, label names in {@code by (...)}, strings and durations.
 */
final class PromQl {
  private PromQl() {}

  /**
   * A vector selector: {@code metric{matchers}[range]}.
   *
   * @param matchers the text between the braces ("" if none)
   * @param range the text between the brackets right after it (null if none)
   * @param function the innermost function or aggregation around it (null if none)
   * @param enclosing every function and aggregation around it, innermost first, aggregations with
   *     their prefix grouping normalised: {@code "max without (instance, pod)"}, {@code "sum by
   *     (group)"}, {@code "rate"} (plain parentheses left out)
   */
  record Selector(
      String metric, String matchers, String range, String function, List<String> enclosing) {
    Selector {
      enclosing = List.copyOf(enclosing);
    }

    Selector(String metric, String matchers, String range, String function) {
      this(metric, matchers, range, function, List.of());
    }
  }

  static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");
  private static final Set<String> GROUPING =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS =
      Set.of("bool", "and", "or", "unless", "atan2", "offset", "Inf", "NaN", "inf", "nan");

  static List<Selector> selectors(String expr) {
    List<Selector> out = new ArrayList<>();
    Deque<String> functions = new ArrayDeque<>(); // "" = plain parenthesis
    Deque<String> calls = new ArrayDeque<>(); // the same with aggregations' grouping
    String pendingAggregation = null;
    String pendingGrouping = null; // " by (a, b)" of a prefix grouping clause
    int i = 0;
    int n = expr.length();
    int lastSelector = -1; // index in out of a selector that may still get {..} or [..]
    while (i < n) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i);
        lastSelector = -1;
      } else if (c == '{') {
        int end = skipBraces(expr, i);
        String matchers = expr.substring(i + 1, end - 1).trim();
        if (lastSelector >= 0 && out.get(lastSelector).matchers().isEmpty()) {
          Selector s = out.get(lastSelector);
          out.set(
              lastSelector,
              new Selector(s.metric(), matchers, s.range(), s.function(), s.enclosing()));
        } else {
          out.add(new Selector("", matchers, null, innermost(functions), enclosing(calls)));
          lastSelector = out.size() - 1;
        }
        i = end;
      } else if (c == '[') {
        int end = expr.indexOf(']', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed [ in " + expr);
        }
        if (lastSelector >= 0 && out.get(lastSelector).range() == null) {
          Selector s = out.get(lastSelector);
          out.set(
              lastSelector,
              new Selector(
                  s.metric(),
                  s.matchers(),
                  expr.substring(i + 1, end).trim(),
                  s.function(),
                  s.enclosing()));
        }
        lastSelector = -1;
        i = end + 1;
      } else if (c == '(') {
        functions.push(pendingAggregation == null ? "" : pendingAggregation);
        calls.push(
            pendingAggregation == null
                ? ""
                : pendingAggregation + (pendingGrouping == null ? "" : pendingGrouping));
        pendingAggregation = null;
        pendingGrouping = null;
        lastSelector = -1;
        i++;
      } else if (c == ')') {
        if (functions.isEmpty()) {
          throw new IllegalArgumentException("unbalanced ) in " + expr);
        }
        functions.pop();
        calls.pop();
        lastSelector = -1;
        i++;
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && isDigit(expr.charAt(i + 1)))) {
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++; // numbers, 1e3, 0x1f, durations (1h30m)
        }
        lastSelector = -1;
      } else if (c == '$') {
        i++; // a Grafana variable outside brackets
        if (i < n && expr.charAt(i) == '{') {
          i = expr.indexOf('}', i) + 1;
        }
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_')) {
          i++;
        }
        lastSelector = -1;
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < n && isIdentifierChar(expr.charAt(i))) {
          i++;
        }
        String word = expr.substring(start, i);
        int next = skipSpaces(expr, i);
        char following = next < n ? expr.charAt(next) : 0;
        lastSelector = -1;
        if (GROUPING.contains(word)) {
          if (following == '(') {
            int end = skipParens(expr, next); // label names, not metrics
            if (pendingAggregation != null && (word.equals("by") || word.equals("without"))) {
              pendingGrouping = " " + word + " (" + labels(expr.substring(next + 1, end - 1)) + ")";
            }
            i = end;
          }
        } else if (KEYWORDS.contains(word)) {
          // operator keyword or constant; "offset 1w" is skipped as a number next
        } else if (AGGREGATIONS.contains(word)) {
          pendingAggregation = word;
        } else if (following == '(') {
          pendingAggregation = word; // function call
        } else {
          out.add(new Selector(word, "", null, innermost(functions), enclosing(calls)));
          lastSelector = out.size() - 1;
        }
      } else {
        lastSelector = -1;
        i++; // operators, commas
      }
    }
    if (!functions.isEmpty()) {
      throw new IllegalArgumentException("unbalanced ( in " + expr);
    }
    return out;
  }

  /** Enclosing calls, innermost first, without plain parentheses. */
  private static List<String> enclosing(Deque<String> calls) {
    return calls.stream().filter(c -> !c.isEmpty()).toList();
  }

  /** "instance ,pod" → "instance, pod": the labels of a grouping clause, trimmed and sorted. */
  private static String labels(String list) {
    return java.util.Arrays.stream(list.split(","))
        .map(String::trim)
        .filter(l -> !l.isEmpty())
        .sorted()
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** The innermost enclosing function name; plain parentheses don't count. */
  private static String innermost(Deque<String> functions) {
    for (String f : functions) {
      if (!f.isEmpty()) {
        return f;
      }
    }
    return null;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipString(String s, int i) {
    char quote = s.charAt(i);
    i++;
    while (i < s.length() && s.charAt(i) != quote) {
      if (s.charAt(i) == '\\' && quote != '`') {
        i++;
      }
      i++;
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("unclosed string in " + s);
    }
    return i + 1;
  }

  private static int skipBraces(String s, int i) {
    i++;
    while (i < s.length() && s.charAt(i) != '}') {
      char c = s.charAt(i);
      i = (c == '"' || c == '\'' || c == '`') ? skipString(s, i) : i + 1;
    }
    if (i >= s.length()) {
      throw new IllegalArgumentException("unclosed { in " + s);
    }
    return i + 1;
  }

  private static int skipParens(String s, int i) {
    int depth = 0;
    for (; i < s.length(); i++) {
      if (s.charAt(i) == '(') {
        depth++;
      } else if (s.charAt(i) == ')' && --depth == 0) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("unbalanced ( in " + s);
  }
}
