package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/connectors/http-json.md names every key the {@code http_json} parser accepts, and its
 * reference tables name no key the parser does not.
 *
 * <p>The parser's vocabulary is not a list kept by hand: it is what {@link Settings} records as
 * asked for (present in the block or not) while the parser reads the shipped recipes and the
 * configs below, which take every branch the parser has (each auth style, each paginate style, each
 * stream kind, POST, a body cursor, field blocks with {@code path} and with {@code value}). A key
 * added to the parser in any of these branches fails this test until the doc names it. The names a
 * config chooses (streams, lookups, headers, params, vendor values) are not keys.
 */
class HttpJsonDocsTest {
  static final Path DOC = Path.of("docs/connectors/http-json.md");

  /** The blocks whose keys are the config writer's names, not the parser's keys. */
  static final Set<String> NAMED_BY_THE_CONFIG =
      Set.of("streams", "lookups", "headers", "params", "values");

  static final String COMMON =
      """
      name: acme
      type: http_json
      poll_interval: 60s
      base_url: https://acme.example.com
      backfill: 30d
      headers: {Accept: application/json}
      rate_limit: {remaining_header: X-Left, requests_per_minute: 60}
      ticket_url: "https://acme.example.com/t/{id}"
      timeouts: {connect: 5s, read: 10s, call: 20s}
      max_attempts: 3
      max_wait: 30s
      lookups:
        groups:
          path: /groups
          params: {per_page: 100}
          records: "$.data[*]"
          key: "$.id"
          value: "$.name"
          paginate: {page: {param: page, start: 0, size: 100}}
          refresh: 2h
      """;

  /** Every auth style, every paginate style, every stream kind, GET and POST. */
  static final List<String> CONFIGS =
      List.of(
          COMMON
              + """
              auth: {basic: {username: u, password_file: SECRET_FILE}}
              streams:
                tickets:
                  path: /tickets
                  method: GET
                  params: {sort: updated_at}
                  records: "$.tickets[*]"
                  paginate: {link_header: next}
                  since:
                    param: updated_since
                    field: "$.updated_at"
                    format: epoch_s
                    field_format: iso8601
                    overlap: 2m
                  map:
                    id: "$.id"
                    created_at: {path: "$.created_at", format: iso8601}
                    updated_at: "$.updated_at"
                    status: {path: "$.status", values: {2: open, 9: ""}, default: pending}
                    priority: {path: "$.priority", values: {1: low}, default: normal}
                    channel: {path: "$.source", values: {voice: phone}, keep_others: true}
                    group: {path: "$.group_id", lookup: groups}
                    assignee: "$.assignee"
                    subject: "$.subject"
                    first_reply_at: "$.first_reply_at"
                    solved_at: ["$.resolved_at", "$.closed_at"]
                    first_reply_calendar: {path: "$.frt", unit: minutes}
                    first_reply_business: {path: "$.frt_b", unit: ms}
                    resolution_calendar: "$.rt"
                    resolution_business: "$.rt_b"
                    reopens: {path: "$.reopened_at", exists: true}
                    agent_replies: "$.replies"
                    escalated: ["$.is_escalated", "$[?(@.level > 1)]"]
                    tags: "$.tags"
                    deleted: {path: "$.spam_score", above: 5}
                    sla_first_reply_due_at: "$.fr_due_by"
                    sla_resolution_due_at: "$.due_by"
                deleted:
                  kind: tickets
                  path: /tickets
                  params: {filter: deleted}
                  paginate: {next_url: "$.links.next"}
                  map: {id: "$.id", updated_at: "$.updated_at", deleted: {value: true}}
              """,
          COMMON
              + """
              auth: {bearer: {token: t}}
              streams:
                satisfaction_ratings:
                  path: /ratings
                  paginate: {cursor: {param: cursor, path: "$.after", stop: "$.end"}}
                  since: {param: start_time, field: "$.updated_at", format: epoch_s}
                  scale: {min: -3, max: 3}
                  map:
                    id: "$.id"
                    responded_at: "$.created_at"
                    updated_at: "$.updated_at"
                    ticket_id: "$.ticket_id"
                    satisfied: {path: "$.score", values: {good: true, bad: false, offered: ""}}
                    score: "$.rating"
                    group: {path: "$.group_id", lookup: groups}
                    priority: "$.priority"
                    channel: "$.channel"
                surveys:
                  path: /surveys
                  paginate: {cursor: {param: "page[after]", path: "$.meta.next", more: "$.meta.more"}}
                  scale: {min: 0, max: 10}
                  map:
                    id: "$.id"
                    responded_at: {path: "$.answered", format: "yyyy-MM-dd HH:mm:ss"}
                    updated_at: "$.updated_at"
                    ticket_id: "$.ticket_id"
                    kind: {path: "$.type", values: {nps: nps, ces: ces, other: ""}}
                    score: "$.value"
                    group: "$.group"
                    priority: "$.priority"
                    channel: "$.channel"
              """,
          COMMON
              + """
              auth: {header: {name: X-Api-Key, value: k}}
              streams:
                customers:
                  path: /companies/search
                  method: POST
                  body: {filter: {updated_after: "{{since}}"}, limit: 100}
                  records: "$.results[*]"
                  paginate: {cursor: {body: "$.after", path: "$.paging.next.after"}}
                  since: {field: "$.updated_at", format: epoch_ms}
                  map:
                    id: "$.id"
                    customer_since: "$.became_customer_at"
                    churned_at: "$.churned_at"
                    updated_at: "$.updated_at"
                    mrr: "$.mrr"
              """,
          COMMON
              + """
              auth: {query: {name: api_key, value: "${ACME_KEY}"}}
              streams:
                deals:
                  path: /deals
                  params: {updated: ">{{since}}"}
                  paginate: {offset: {param: offset, limit_param: limit, limit: 50}}
                  since: {field: "$.updated_at"}
                  map:
                    id: "$.id"
                    created_at: "$.created_at"
                    closed_at: "$.closed_at"
                    won: {path: "$.status", values: {won: true, lost: false, open: ""}}
                    updated_at: "$.updated_at"
                    amount: "$.value"
                tickets:
                  path: /tickets
                  paginate: {cursor: {param: starting_after, path: "$.pages.next"}}
                  map: {id: "$.id", created_at: "$.created", status: "$.state", deleted: {value: false}}
              """,
          COMMON
              + """
              auth:
                oauth2:
                  token_url: https://login.acme.example.com/oauth2/token
                  client_id: cx
                  client_secret: s
                  refresh_token_file: SECRET_FILE
                  scope: "tickets.read"
                  client_auth: basic
                  scheme: Zoho-oauthtoken
              streams:
                tickets: {path: /tickets, map: {id: "$.id", created_at: "$.c", status: "$.s"}}
              """);

  @Test
  void theDocNamesEveryKeyTheParserAsksFor() throws Exception {
    Set<String> named = namedInTheReference();
    List<String> missing = keysAsked().stream().filter(k -> !named.contains(k)).toList();
    assertThat(missing).as("keys the parser accepts that %s does not name", DOC).isEmpty();
  }

  /**
   * The keys the reference names in code spans: {@code `key`}, or a dotted key path such as {@code
   * `timeouts.connect`} or {@code `lookups.<name>`} (each of its keys).
   */
  static Set<String> namedInTheReference() throws IOException {
    Set<String> out = new TreeSet<>();
    Matcher span = Pattern.compile("`([a-z0-9_.<>]+)`").matcher(reference());
    while (span.find()) {
      for (String part : span.group(1).split("\\.")) {
        if (!part.startsWith("<")) {
          out.add(part);
        }
      }
    }
    return out;
  }

  @Test
  void theReferenceTablesNameNoKeyTheParserDoesNotAsk() throws Exception {
    Set<String> asked = keysAsked();
    Set<String> invented = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| *(`[^|]*)\\|").matcher(reference());
    Pattern code = Pattern.compile("`([^`]+)`");
    while (row.find()) {
      Matcher c = code.matcher(row.group(1));
      while (c.find()) {
        // `lookups.<name>`, `timeouts.connect`, `password` / `password_file`
        for (String part : c.group(1).replaceAll("<[^>]*>", "").split("[^a-z0-9_]+")) {
          if (!part.isEmpty() && !asked.contains(part)) {
            invented.add(part);
          }
        }
      }
    }
    assertThat(invented)
        .as("keys in the tables of %s that the parser never asks for", DOC)
        .isEmpty();
  }

  @Test
  void theConfigsTakeEveryBranchAndParseCleanly() throws Exception {
    Set<String> authStyles = new TreeSet<>();
    Set<String> pagingStyles = new TreeSet<>();
    Set<String> kinds = new TreeSet<>();
    for (Map<String, Object> block : blocks()) {
      Parsed p = parse(block);
      assertThat(p.problems.messages()).as("problems of %s", block.get("name")).isEmpty();
      p.options.streams().forEach(s -> kinds.add(s.kind()));
      p.asked.forEach(
          (path, keys) -> {
            if (path.endsWith(".auth")) {
              keys.stream().filter(k -> p.present(path, k)).forEach(authStyles::add);
            }
            if (path.endsWith(".paginate")) {
              keys.stream().filter(k -> p.present(path, k)).forEach(pagingStyles::add);
            }
          });
    }
    assertThat(authStyles)
        .containsExactlyInAnyOrderElementsOf(HttpJsonConnectorFactory.AUTH_STYLES);
    assertThat(pagingStyles).containsExactlyInAnyOrderElementsOf(Paginate.STYLES);
    assertThat(kinds).containsExactlyInAnyOrderElementsOf(HttpJsonConnectorFactory.KINDS);
    String reference = reference();
    HttpJsonConnectorFactory.KINDS.forEach(k -> assertThat(reference).contains("`" + k + "`"));
  }

  @Test
  void anUnknownKeyIsRefusedAtEveryLevel() throws Exception {
    String bad =
        CONFIGS
            .get(0)
            .replace("max_attempts: 3", "max_attempts: 3\nretries: 3")
            .replace("method: GET", "method: GET\n    verb: GET")
            .replace("format: epoch_s", "format: epoch_s\n      fromat: epoch_s")
            .replace("{link_header: next}", "{link_header: next, size: 100}")
            .replace("lookup: groups}", "lookup: groups, lookups: groups}");
    List<String> problems = parse(yaml(bad)).problems.messages();
    assertThat(problems)
        .contains(
            "connectors[0].retries: unknown key",
            "connectors[0].streams.tickets.verb: unknown key",
            "connectors[0].streams.tickets.since.fromat: unknown key",
            "connectors[0].streams.tickets.paginate.size: unknown key",
            "connectors[0].streams.tickets.map.group.lookups: unknown key");
  }

  /** The keys asked for while parsing the recipes and {@link #CONFIGS}, without chosen names. */
  static Set<String> keysAsked() throws IOException {
    Set<String> out = new TreeSet<>();
    for (Map<String, Object> block : blocks()) {
      parse(block)
          .asked
          .forEach(
              (path, keys) -> {
                String last = path.substring(path.lastIndexOf('.') + 1);
                if (path.startsWith("connectors[") && !NAMED_BY_THE_CONFIG.contains(last)) {
                  out.addAll(keys);
                }
              });
    }
    return out;
  }

  /** The doc up to its "Requests" section: the reference. */
  static String reference() throws IOException {
    String doc = Files.readString(DOC);
    int end = doc.indexOf("\n## Requests");
    assertThat(end).as("%s has a Requests section after the reference", DOC).isPositive();
    return doc.substring(0, end);
  }

  /** The http_json blocks of examples/ and examples/generic/, then {@link #CONFIGS}. */
  static List<Map<String, Object>> blocks() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Path> files = new ArrayList<>(List.of(Path.of("examples/http-json.yml")));
    try (Stream<Path> generic = Files.list(Path.of("examples/generic"))) {
      generic.filter(f -> f.toString().endsWith(".yml")).sorted().forEach(files::add);
    }
    assertThat(files).hasSizeGreaterThan(3);
    for (Path f : files) {
      Map<String, Object> tree = yaml(Files.readString(f));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> connectors = (List<Map<String, Object>>) tree.get("connectors");
      connectors.stream().filter(c -> "http_json".equals(c.get("type"))).forEach(out::add);
    }
    for (String c : CONFIGS) {
      out.add(yaml(c));
    }
    return out;
  }

  static Map<String, Object> yaml(String text) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readValue(text, new TypeReference<>() {});
  }

  record Parsed(
      HttpJsonOptions options,
      Problems problems,
      Map<String, Set<String>> asked,
      Map<String, Object> block) {
    /** True when the block at {@code path} has {@code key} in the config. */
    @SuppressWarnings("unchecked")
    boolean present(String path, String key) {
      Object at = block;
      for (String step : path.substring("connectors[0].".length()).split("\\.")) {
        at = at instanceof Map<?, ?> m ? m.get(step) : null;
      }
      return at instanceof Map<?, ?> m && m.containsKey(key);
    }
  }

  /** Where the configs' {@code *_file} secrets are. */
  @TempDir static Path dir;

  /** Reads one connector block the way the config loader does. */
  static Parsed parse(Map<String, Object> block) throws IOException {
    Files.writeString(dir.resolve("SECRET_FILE"), "s3cret\n");
    Problems problems = new Problems();
    Settings root =
        Settings.root(
            Map.of("connectors", List.of(block)),
            problems,
            name -> name.endsWith("URL") ? "https://acme.example.com" : "env-value",
            dir);
    Settings c = root.objects("connectors").get(0);
    c.string("name");
    c.string("type");
    c.duration("poll_interval", Duration.ofSeconds(60));
    HttpJsonOptions o = new HttpJsonConnectorFactory().parse(c);
    c.finish();
    return new Parsed(o, problems, root.keysAsked(), block);
  }
}
