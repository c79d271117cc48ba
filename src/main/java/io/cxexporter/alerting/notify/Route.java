package io.cxexporter.alerting.notify;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which alerts a notifier takes: its {@code match} (label = value) and {@code match_re} (label =
 * regex) blocks, with Alertmanager's matcher semantics. Every listed label must match; a regex must
 * match the whole value (it is anchored as {@code ^(?:re)$}); a label the alert lacks matches as
 * the empty string, so {@code match_re: {group: ".*"}} takes alerts without a group and {@code
 * match: {group: ""}} takes only those.
 *
 * <pre>{@code
 * notifiers:
 *   - {name: billing, type: slack, webhook_url_file: /run/secrets/billing, match: {group: Billing}}
 *   - {name: tech, type: slack, webhook_url_file: /run/secrets/tech, match_re: {group: "Tech.*"}}
 *   - {name: ops, type: webhook, url: "https://hooks.example/cx"}    # no match: the catch-all
 * }</pre>
 *
 * <p>A notifier without either block is a catch-all ({@link #ALL}): it gets the alerts that no
 * routed notifier takes, never those one does (see {@link Dispatcher}).
 *
 * @param match label → the exact value it must have
 * @param matchRe label → the pattern its whole value must match
 */
public record Route(SortedMap<String, String> match, SortedMap<String, Pattern> matchRe) {
  /** No match and no match_re: the catch-all. */
  public static final Route ALL = new Route(new TreeMap<>(), new TreeMap<>());

  public Route {
    match = new TreeMap<>(match);
    matchRe = new TreeMap<>(matchRe);
  }

  /**
   * Compiles a {@code match_re} value the way Alertmanager does: anchored at both ends.
   *
   * @throws java.util.regex.PatternSyntaxException when it is not a valid regex
   */
  public static Pattern anchored(String regex) {
    return Pattern.compile("^(?:" + regex + ")$");
  }

  /** True for a notifier with neither {@code match} nor {@code match_re}. */
  public boolean catchAll() {
    return match.isEmpty() && matchRe.isEmpty();
  }

  /** Whether an alert with these labels satisfies every matcher (always, for the catch-all). */
  public boolean matches(Map<String, String> labels) {
    for (var e : match.entrySet()) {
      if (!e.getValue().equals(labels.getOrDefault(e.getKey(), ""))) {
        return false;
      }
    }
    for (var e : matchRe.entrySet()) {
      if (!e.getValue().matcher(labels.getOrDefault(e.getKey(), "")).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The matchers in words, for the status page and logs: {@code group="Billing", team=~"a.*"}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    match.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k + "=\"" + v + "\""));
    matchRe.forEach(
        (k, p) -> {
          String re = p.pattern();
          re = re.substring("^(?:".length(), re.length() - ")$".length());
          b.append(b.isEmpty() ? "" : ", ").append(k + "=~\"" + re + "\"");
        });
    return b.isEmpty() ? "(catch-all)" : b.toString();
  }
}
