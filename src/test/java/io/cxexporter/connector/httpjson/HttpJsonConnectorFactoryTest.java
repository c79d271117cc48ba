package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxexporter.connector.http.Request;
import io.cxexporter.testing.TestConnectors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing an {@code http_json} block written in YAML: every problem names its key, no secret. */
class HttpJsonConnectorFactoryTest {
  static Map<String, Object> yaml(String text) throws Exception {
    return new ObjectMapper(new YAMLFactory()).readValue(text, new TypeReference<>() {});
  }

  static List<String> problems(String text) throws Exception {
    return TestConnectors.of(new HttpJsonConnectorFactory()).with(yaml(text)).problems();
  }

  static final String GOOD =
      """
      base_url: https://acme.example.com
      auth: {bearer: {token: tok-SECRET}}
      lookups:
        groups: {path: /groups, records: "$.data[*]", key: "$.id", value: "$.name", refresh: 1h}
      streams:
        tickets:
          path: /api/tickets
          records: "$.tickets[*]"
          paginate: {page: {param: page, start: 1, size: 50}}
          since: {param: updated_since, field: "$.updated_at", format: epoch_s, field_format: iso8601}
          map:
            id: "$.id"
            created_at: "$.created_at"
            status: {path: "$.state", values: {1: open, 2: solved, closed: closed}}
            priority: {path: "$.priority", values: {low: low}, default: normal}
            group: {path: "$.group_id", lookup: groups}
            deleted: {path: "$.state", values: {deleted: true}, default: false}
            first_reply_calendar: {path: "$.frt", unit: minutes}
      """;

  @Test
  void aGoodBlockParsesWithYamlNumbersAsKeys() throws Exception {
    assertThat(problems(GOOD)).isEmpty();
    HttpJsonOptions o =
        TestConnectors.of(new HttpJsonConnectorFactory()).with(yaml(GOOD)).options();
    HttpJsonOptions.StreamSpec t = o.streams().get(0);
    assertThat(t.recordsPointer()).isEqualTo("/tickets");
    assertThat(t.since().format().format(java.time.Instant.ofEpochSecond(1700000000)))
        .isEqualTo("1700000000");
    assertThat(((TicketMapping) t.mapping()).status.values())
        .containsEntry("1", "open")
        .containsEntry("2", "solved");
    assertThat(o.lookups().get("groups").recordsPointer()).isEqualTo("/data");
  }

  @Test
  void badValuesNameTheirPathAndNeverTheSecret() throws Exception {
    List<String> p =
        problems(
            GOOD.replace("values: {1: open", "values: {1: opened")
                .replace("\"$.created_at\"", "\"$.created_at..\"")
                .replace("unit: minutes", "unit: hours")
                .replace("lookup: groups", "lookup: teams")
                .replace("format: epoch_s", "format: epoch_us")
                .replace("records: \"$.tickets[*]\"", "records: \"$..tickets[?(@.x)]\"")
                .replace("path: /api/tickets", "path: /api/tickets\n    methd: GET"));
    String t = "connectors[0].streams.tickets.";
    assertThat(p)
        .anySatisfy(m -> assertThat(m).startsWith(t + "map.status.values.1: expected one of "))
        .anySatisfy(m -> assertThat(m).contains("got \"opened\""))
        .anySatisfy(m -> assertThat(m).startsWith(t + "map.created_at: not a JSONPath"))
        .anySatisfy(m -> assertThat(m).startsWith(t + "map.first_reply_calendar.unit: "))
        .anySatisfy(
            m ->
                assertThat(m)
                    .isEqualTo(t + "map.group.lookup: no lookup named \"teams\" (lookups: groups)"))
        .anySatisfy(m -> assertThat(m).startsWith(t + "since.format: expected iso8601, "))
        .anySatisfy(m -> assertThat(m).startsWith(t + "records: expected a path to one array"))
        .anySatisfy(m -> assertThat(m).isEqualTo(t + "methd: unknown key"))
        .noneSatisfy(m -> assertThat(m).contains("tok-SECRET"));
  }

  @Test
  void authIsExactlyOneStyleAndStreamsAreRequired() throws Exception {
    assertThat(
            problems(
                """
                base_url: https://acme.example.com
                auth: {bearer: {token: a-SECRET}, basic: {username: u, password: p-SECRET}}
                """))
        .containsExactly(
            "connectors[0].auth: expected exactly one of basic, bearer, header, query, oauth2, got"
                + " basic and bearer",
            "connectors[0].streams: required: at least one stream");
  }

  @Test
  void unknownKindsAndIncompleteStreamsAreRefusedNotIgnored() throws Exception {
    assertThat(
            problems(
                GOOD
                    + """
                      satisfaction_ratings: {path: /ratings}
                      calls: {path: /calls}
                      phone_calls: {kind: call, path: /calls}
                      Deleted: {kind: tickets, path: /t, map: {id: "$.id", deleted: {value: true}}}
                    """))
        .containsExactlyInAnyOrder(
            "connectors[0].streams.satisfaction_ratings.map: required",
            "connectors[0].streams.satisfaction_ratings.map.id: required",
            "connectors[0].streams.satisfaction_ratings.map.responded_at: required",
            "connectors[0].streams.satisfaction_ratings.map.satisfied: required: satisfied"
                + " (good/bad) or score",
            "connectors[0].streams.calls: unknown stream kind; expected one of tickets,"
                + " satisfaction_ratings, surveys, customers, deals (or any name with kind: set)",
            "connectors[0].streams.phone_calls.kind: unknown stream kind \"call\"; expected one of"
                + " tickets, satisfaction_ratings, surveys, customers, deals",
            "connectors[0].streams.Deleted: expected a stream name of lowercase letters, digits"
                + " and _ (it is a metric label)",
            "connectors[0].streams.Deleted.map.updated_at: required for a list of tombstones"
                + " (deleted: {value: true})");
  }

  @Test
  void requiredFieldsOfTheTicketMap() throws Exception {
    assertThat(
            problems(
                """
                base_url: https://acme.example.com
                streams:
                  tickets:
                    path: /t
                    map: {id: "$.id"}
                """))
        .containsExactlyInAnyOrder(
            "connectors[0].streams.tickets.map.created_at: required",
            "connectors[0].streams.tickets.map.status: required");
  }

  @Test
  void aParamsListIsOneRepeatedParameterInOrderWithTheWatermarkInEachValue() throws Exception {
    String text =
        GOOD.replace(
                "  records: \"$.tickets[*]\"",
                "  params: {\"role[]\": [agent, admin], q: [\"a:{{since}}\", b], n: 5}\n"
                    + "    records: \"$.tickets[*]\"")
            .replace("since: {param: updated_since, ", "since: {");
    assertThat(problems(text)).isEmpty();
    HttpJsonOptions o =
        TestConnectors.of(new HttpJsonConnectorFactory()).with(yaml(text)).options();
    Request r =
        HttpJsonConnectorFactory.firstRequest(
            okhttp3.HttpUrl.get("https://acme.example.com/"), o.streams().get(0), 1700000000L);
    assertThat(r.url().queryParameterValues("role[]")).containsExactly("agent", "admin");
    assertThat(r.url().queryParameterValues("q")).containsExactly("a:1700000000", "b");
    assertThat(r.url().queryParameterValues("n")).containsExactly("5");
    assertThat(
            problems(
                GOOD.replace(
                    "  records: \"$.tickets[*]\"",
                    "  params: {a: []}\n    records: \"$.tickets[*]\"")))
        .containsExactly("connectors[0].streams.tickets.params.a: expected at least one value");
  }

  @Test
  void maxPagesRestartsFromAWatermarkSoItNeedsASinceBlockAndPaging() throws Exception {
    String noSince =
        GOOD.replace(
            "since: {param: updated_since, field: \"$.updated_at\", format: epoch_s, field_format: iso8601}",
            "max_pages: 300");
    assertThat(noSince).doesNotContain("since:");
    assertThat(problems(noSince))
        .containsExactly(
            "connectors[0].streams.tickets.max_pages: a pass restarts from its watermark at the"
                + " cap: needs a since block");
    assertThat(
            problems(
                GOOD.replace(
                    "paginate: {page: {param: page, start: 1, size: 50}}", "max_pages: 300")))
        .containsExactly(
            "connectors[0].streams.tickets.max_pages: one page per pass without paginate: drop"
                + " max_pages");
    assertThat(
            problems(
                GOOD.replace(
                    "paginate: {page: {param: page, start: 1, size: 50}}",
                    "paginate: {page: {param: page, start: 1, size: 50}}\n    max_pages: 300")))
        .isEmpty();
  }

  @Test
  void sinceGoesWhereTheTemplateIsWrittenAsANumberForEpochFormats() throws Exception {
    HttpJsonOptions o =
        TestConnectors.of(new HttpJsonConnectorFactory())
            .with(
                yaml(
                    """
                    base_url: https://acme.example.com
                    streams:
                      customers:
                        path: /search
                        method: POST
                        body: {after: "{{since}}", q: "updated>{{since}}", limit: 10}
                        params: {from: "t{{since}}"}
                        paginate: {cursor: {body: "$.page.after", path: "$.next"}}
                        since: {field: "$.updated_at", format: epoch_s}
                        map: {id: "$.id", customer_since: "$.since"}
                    """))
            .options();
    okhttp3.HttpUrl base = o.common().baseUrl();
    HttpJsonOptions.StreamSpec s = o.streams().get(0);
    io.cxexporter.connector.http.Request r =
        HttpJsonConnectorFactory.firstRequest(base, s, 1_700_000_000L);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.body().get("after").isNumber()).isTrue();
    assertThat(r.body().get("after").asLong()).isEqualTo(1_700_000_000L);
    assertThat(r.body().get("q").asText()).isEqualTo("updated>1700000000");
    assertThat(r.queryParameter("from")).isEqualTo("t1700000000");
    io.cxexporter.connector.http.Request next =
        s.paginate().paginator(s.recordsPointer()).follow(r, "c2");
    assertThat(next.body().at("/page/after").asText()).isEqualTo("c2");
    assertThat(next.body().get("after").asLong()).isEqualTo(1_700_000_000L);
  }

  @Test
  void sinceIsAParamOrATemplateNeverBothNorNeither() throws Exception {
    String block =
        """
        base_url: https://acme.example.com
        streams:
          tickets:
            path: /t
            params: {q: "PARAM"}
            since: SINCE
            map: {id: "$.id", created_at: "$.c", status: "$.s"}
        """;
    String t = "connectors[0].streams.tickets.";
    assertThat(
            problems(
                block.replace("PARAM", "{{since}}").replace("SINCE", "{param: u, field: \"$.u\"}")))
        .containsExactly(
            t + "since.param: set param or write {{since}} in params or body, not both");
    assertThat(problems(block.replace("PARAM", "x").replace("SINCE", "{field: \"$.u\"}")))
        .containsExactly(t + "since.param: required unless {{since}} is written in params or body");
    assertThat(problems(block.replace("PARAM", "{{since}}").replace("    since: SINCE\n", "")))
        .containsExactly(
            t + "since: {{since}} is written in params or body, but there is no since block");
  }

  @Test
  void aLookupWhereItWouldBeIgnoredIsRefused() throws Exception {
    assertThat(
            problems(
                GOOD.replace(
                    "status: {path: \"$.state\", values: {1: open, 2: solved, closed: closed}}",
                    "status: {path: \"$.state\", values: {1: open, 2: solved, closed: closed},"
                        + " lookup: groups}")))
        .containsExactlyInAnyOrder(
            "connectors[0].streams.tickets.map.status.lookup: set values or lookup, not both"
                + " (values are matched before a lookup)",
            "connectors[0].streams.tickets.map.status.lookup: only assignee, channel, group,"
                + " subject take a lookup in a tickets stream");
    assertThat(
            problems(
                GOOD.replace(
                    "first_reply_calendar: {path: \"$.frt\", unit: minutes}",
                    "first_reply_calendar: {path: \"$.frt\", unit: minutes, lookup: groups}")))
        .containsExactly(
            "connectors[0].streams.tickets.map.first_reply_calendar.lookup: only assignee,"
                + " channel, group, subject take a lookup in a tickets stream");
  }
}
