package io.cxexporter.alerting.notify;

import io.cxexporter.config.Secret;
import io.cxexporter.config.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Reads {@code alerting.notifiers} into {@link Notifier}s, strictly: unknown keys, a missing or
 * unknown {@code type}, a missing or repeated {@code name}, an unknown severity, a missing or
 * malformed URL and a secret given twice are problems named by their path.
 *
 * <pre>{@code
 * alerting:
 *   notifiers:
 *     - {name: am, type: alertmanager, url: "http://alertmanager:9093"}
 *     - {name: hook, type: webhook, url_file: /run/secrets/hook}          # or url: "${HOOK_URL}"
 *     - {name: chat, type: slack, webhook_url_file: /run/secrets/slack}   # or webhook_url
 *     - {name: pager, type: pagerduty, routing_key_file: /run/secrets/pd, severities: [critical]}
 * }</pre>
 *
 * <p>{@code severities} (any of {@code critical}, {@code warning}, {@code info}; absent or empty:
 * all) works for every type. Secrets ({@code url} of a webhook, {@code webhook_url} of Slack,
 * {@code routing_key} of PagerDuty) take {@code key: value}, {@code key: "${ENV}"} or {@code
 * key_file: path}; their values never appear in a problem. Alertmanager's {@code url} and
 * PagerDuty's optional {@code url} (default {@value PagerDutyNotifier#DEFAULT_URL}, to point at a
 * test server) are plain strings.
 *
 * <pre>{@code
 * Problems problems = ...;
 * List<Notifier> notifiers = Notifiers.read(alerting.objects("notifiers"), clock);
 * if (!problems.isEmpty()) { ... }   // notifiers with problems are left out of the list
 * }</pre>
 */
public final class Notifiers {
  /** The notifier types. */
  public static final List<String> TYPES = List.of("alertmanager", "webhook", "slack", "pagerduty");

  /** The severities a notifier can filter on. */
  public static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private Notifiers() {}

  /**
   * Reads every block and finishes it (unknown keys become problems). Problems go to the blocks'
   * shared {@link io.cxexporter.config.Problems}; a block with any problem yields no notifier.
   *
   * @param blocks the items of {@code alerting.notifiers}
   * @param clock the time for payloads ({@code endsAt} of resolved alerts, ticket due times)
   */
  public static List<Notifier> read(List<Settings> blocks, Clock clock) {
    return read(blocks, clock, JsonPoster.SHARED);
  }

  /** As {@link #read(List, Clock)}, with another HTTP client (tests: short timeouts). */
  static List<Notifier> read(List<Settings> blocks, Clock clock, OkHttpClient client) {
    JsonPoster poster = new JsonPoster(client, clock);
    List<Notifier> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (Settings s : blocks) {
      int before = s.problems().messages().size();
      String name = s.string("name");
      if (name != null && name.isBlank()) {
        s.problem("name", "must not be empty");
        name = null;
      } else if (name != null && names.containsKey(name)) {
        s.problem("name", "duplicate: " + names.get(name) + " has the same name");
      } else if (name != null) {
        names.put(name, s.path());
      }
      String type = s.string("type");
      Set<String> severities = severities(s);
      Route route = route(s);
      Notifier n = null;
      if (type == null) {
        s.markAllRead(); // without a type every other key would look unknown
      } else {
        n =
            switch (type) {
              case "alertmanager" -> alertmanager(s, name, severities, route, poster, clock);
              case "webhook" -> webhook(s, name, severities, route, poster, clock);
              case "slack" -> slack(s, name, severities, route, poster, clock);
              case "pagerduty" -> pagerduty(s, name, severities, route, poster);
              default -> {
                s.problem(
                    "type",
                    "expected one of " + String.join(", ", TYPES) + ", got \"" + type + "\"");
                s.markAllRead();
                yield null;
              }
            };
      }
      s.finish();
      if (n != null && name != null && s.problems().messages().size() == before) {
        out.add(n);
      }
    }
    return out;
  }

  private static Set<String> severities(Settings s) {
    List<String> list = s.strings("severities");
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String v = list.get(i);
      if (SEVERITIES.contains(v)) {
        out.add(v);
      } else {
        s.problem(
            "severities[" + i + "]",
            "expected one of " + String.join(", ", SEVERITIES) + ", got \"" + v + "\"");
      }
    }
    return out;
  }

  /**
   * The {@code match} and {@code match_re} blocks: label names as keys, strings as values, valid
   * regexes; an empty block is a problem (leaving it out makes the catch-all).
   */
  private static Route route(Settings s) {
    java.util.SortedMap<String, String> match = new java.util.TreeMap<>();
    java.util.SortedMap<String, Pattern> matchRe = new java.util.TreeMap<>();
    for (String key : List.of("match", "match_re")) {
      Optional<Settings> block = s.optionalObject(key);
      if (block.isEmpty()) {
        continue;
      }
      Settings m = block.get();
      if (m.keys().isEmpty()) {
        m.problem(null, "must name at least one label (leave " + key + " out for a catch-all)");
      }
      for (String label : m.keys()) {
        if (!LABEL_NAME.matcher(label).matches()) {
          m.problem(label, "not a valid label name (letters, digits and _, not first a digit)");
          m.optionalString(label); // read: not an unknown key
          continue;
        }
        String v = m.string(label);
        if (v == null) {
          continue;
        }
        if (key.equals("match")) {
          match.put(label, v);
          continue;
        }
        try {
          Pattern.compile(v);
          matchRe.put(label, Route.anchored(v));
        } catch (PatternSyntaxException e) {
          m.problem(
              label,
              "invalid regex \""
                  + v
                  + "\": "
                  + e.getDescription()
                  + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
      }
      m.finish();
    }
    return new Route(match, matchRe);
  }

  private static Notifier alertmanager(
      Settings s, String name, Set<String> sev, Route route, JsonPoster poster, Clock clock) {
    String text = s.string("url");
    HttpUrl url = text == null ? null : plainUrl(s, "url", text, "http://alertmanager:9093");
    return url == null ? null : new AlertmanagerNotifier(name, url, sev, route, poster, clock);
  }

  private static Notifier webhook(
      Settings s, String name, Set<String> sev, Route route, JsonPoster poster, Clock clock) {
    Secret url = secretUrl(s, "url");
    return url == null ? null : new WebhookNotifier(name, url, sev, route, poster, clock);
  }

  private static Notifier slack(
      Settings s, String name, Set<String> sev, Route route, JsonPoster poster, Clock clock) {
    Secret url = secretUrl(s, "webhook_url");
    return url == null ? null : new SlackNotifier(name, url, sev, route, poster, clock);
  }

  private static Notifier pagerduty(
      Settings s, String name, Set<String> sev, Route route, JsonPoster poster) {
    Secret key = s.requiredSecret("routing_key");
    Optional<String> text = s.optionalString("url");
    HttpUrl url =
        text.isPresent()
            ? plainUrl(s, "url", text.get(), PagerDutyNotifier.DEFAULT_URL)
            : HttpUrl.get(PagerDutyNotifier.DEFAULT_URL);
    return key == null || url == null
        ? null
        : new PagerDutyNotifier(name, key, url, sev, route, poster);
  }

  /** A URL that is not a secret: shown in the problem. */
  private static HttpUrl plainUrl(Settings s, String key, String text, String example) {
    HttpUrl url = HttpUrl.parse(text.strip());
    if (url == null) {
      s.problem(key, "expected an http(s) URL like " + example + ", got \"" + text + "\"");
      return null;
    }
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      s.problem(key, "must not contain a user name or password");
      return null;
    }
    return url;
  }

  /** A URL that is a secret ({@code key} or {@code key_file}): never shown in the problem. */
  private static Secret secretUrl(Settings s, String key) {
    Secret secret = s.requiredSecret(key);
    if (secret == null) {
      return null;
    }
    String text = secret.reveal().strip();
    if (HttpUrl.parse(text) == null) {
      if (s.has(key + "_file")) {
        s.problem(
            key + "_file", "the file does not hold an http(s) URL (its content is not shown)");
      } else {
        s.problem(key, "expected an http(s) URL (the value is a secret and is not shown)");
      }
      return null;
    }
    return new Secret(text);
  }
}
