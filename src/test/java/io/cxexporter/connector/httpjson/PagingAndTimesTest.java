package io.cxexporter.connector.httpjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.jayway.jsonpath.JsonPath;
import io.cxexporter.config.Problems;
import io.cxexporter.config.Settings;
import io.cxexporter.connector.http.ApiResponse;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** The config-built paginators, time formats and JSONPath helpers, without HTTP. */
class PagingAndTimesTest {
  static final HttpUrl BASE = HttpUrl.get("https://acme.example.com/");
  static final ObjectMapper JSON = new ObjectMapper();

  static Paginate paginate(Map<String, Object> block) {
    Problems p = new Problems();
    Paginate out =
        Paginate.read(
            Settings.root(Map.of("paginate", block), p, k -> null, Path.of(".")), "paginate");
    assertThat(p.messages()).isEmpty();
    return out;
  }

  static ApiResponse answer(Request r, String body) throws Exception {
    return new ApiResponse(r, 200, Headers.of(), JSON.readTree(body));
  }

  @Test
  void pageNumbersStartWhereConfiguredAndStopAtAShortPage() throws Exception {
    Paginate pg = paginate(Map.of("page", Map.of("param", "p", "start", 0, "size", 2)));
    Paginator next = pg.paginator("/items");
    Request first = pg.first(Request.get(BASE, "t"));
    assertThat(first.queryParameter("p")).isEqualTo("0");
    Paginator.Step s = next.next(answer(first, "{\"items\":[1,2]}"));
    assertThat(s.more()).isTrue();
    Request second = next.follow(first, s.token());
    assertThat(second.queryParameter("p")).isEqualTo("1");
    assertThat(next.next(answer(second, "{\"items\":[3]}")).more()).isFalse();
  }

  @Test
  void withoutASizeAnEmptyPageIsTheLast() throws Exception {
    Paginate pg = paginate(Map.of("page", Map.of("param", "page")));
    Paginator next = pg.paginator("");
    Request first = pg.first(Request.get(BASE, "t"));
    assertThat(next.next(answer(first, "[1]")).token()).isEqualTo("2");
    assertThat(next.next(answer(first, "[]")).more()).isFalse();
  }

  @Test
  void offsetsMoveByTheRecordsReadAndSendTheLimit() throws Exception {
    Paginate pg =
        paginate(Map.of("offset", Map.of("param", "offset", "limit_param", "limit", "limit", 2)));
    Paginator next = pg.paginator("/data");
    Request first = pg.first(Request.get(BASE, "t"));
    assertThat(first.queryParameter("limit")).isEqualTo("2");
    assertThat(first.queryParameter("offset")).isEqualTo("0");
    Paginator.Step s = next.next(answer(first, "{\"data\":[{},{}]}"));
    Request second = next.follow(first, s.token());
    assertThat(second.queryParameter("offset")).isEqualTo("2");
    assertThat(second.queryParameter("limit")).isEqualTo("2");
    assertThat(next.next(answer(second, "{\"data\":[{}]}")).more()).isFalse();
  }

  @Test
  void exactlyOnePagingStyle() {
    Problems p = new Problems();
    Paginate.read(
        Settings.root(
            Map.of("paginate", Map.of("link_header", "next", "next_url", "$.next")),
            p,
            k -> null,
            Path.of(".")),
        "paginate");
    assertThat(p.messages())
        .containsExactly(
            "paginate: expected one of link_header, next_url, cursor, page, offset, got"
                + " link_header and next_url");
  }

  @Test
  void simplePathsBecomePointers() {
    assertThat(JsonPaths.pointer("$")).isEmpty();
    assertThat(JsonPaths.pointer("$.meta.next")).isEqualTo("/meta/next");
    assertThat(JsonPaths.pointer("$['_links']['next'].href")).isEqualTo("/_links/next/href");
    assertThat(JsonPaths.pointer("$.a[0]")).isEqualTo("/a/0");
    assertThat(JsonPaths.pointer("$..a")).isNull();
    assertThat(JsonPaths.recordsPointer("$[*]")).isEmpty();
    assertThat(JsonPaths.recordsPointer("$.tickets[*]")).isEqualTo("/tickets");
    assertThat(JsonPaths.recordsPointer("$.tickets[?(@.x)]")).isNull();
  }

  @Test
  void jsonPathReadsJacksonTreesIncludingFilters() throws Exception {
    JsonNode t =
        JSON.readTree(
            "{\"id\":7,\"custom\":[{\"name\":\"tier\",\"value\":\"gold\"},{\"name\":\"x\",\"value\":1}]}");
    assertThat(JsonPaths.read(t, JsonPath.compile("$.id"))).isEqualTo(IntNode.valueOf(7));
    assertThat(
            JsonPaths.read(t, JsonPath.compile("$.missing")).isMissingNode()
                || JsonPaths.read(t, JsonPath.compile("$.missing")).isNull())
        .isTrue();
    JsonNode tier = JsonPaths.read(t, JsonPath.compile("$.custom[?(@.name == 'tier')].value"));
    assertThat(tier.isArray()).isTrue();
    assertThat(tier.get(0)).isEqualTo(TextNode.valueOf("gold"));
  }

  @Test
  void timeFormatsWriteAndRead() {
    Instant t = Instant.parse("2026-11-18T12:49:00Z");
    Problems p = new Problems();
    Settings s =
        Settings.root(
            Map.of("a", "iso8601", "b", "epoch_s", "c", "epoch_ms", "d", "yyyy-MM-dd HH:mm:ss"),
            p,
            k -> null,
            Path.of("."));
    TimeFormat iso = TimeFormat.read(s, "a", null);
    TimeFormat sec = TimeFormat.read(s, "b", null);
    TimeFormat ms = TimeFormat.read(s, "c", null);
    TimeFormat pat = TimeFormat.read(s, "d", null);
    assertThat(p.messages()).isEmpty();
    assertThat(iso.format(t)).isEqualTo("2026-11-18T12:49:00Z");
    assertThat(sec.format(t)).isEqualTo("1795006140");
    assertThat(ms.format(t)).isEqualTo("1795006140000");
    assertThat(pat.format(t)).isEqualTo("2026-11-18 12:49:00");
    assertThat(sec.parse(IntNode.valueOf(1795006140))).isEqualTo(t);
    assertThat(ms.parse(TextNode.valueOf("1795006140000"))).isEqualTo(t);
    assertThat(pat.parse(TextNode.valueOf("2026-11-18 12:49:00"))).isEqualTo(t);
    assertThat(iso.parse(TextNode.valueOf("2026-11-18T13:49:00+01:00"))).isEqualTo(t);
    assertThat(iso.parse(com.fasterxml.jackson.databind.node.NullNode.getInstance())).isNull();
    assertThatThrownBy(() -> sec.parse(TextNode.valueOf("soon")))
        .hasMessage("not epoch seconds: \"soon\"");
  }

  @Test
  void dropParamsLeavesTheFirstRequestsFilterOutOfEveryFollowUp() throws Exception {
    for (Map<String, Object> cursor :
        java.util.List.<Map<String, Object>>of(
            Map.of("param", "cursor", "path", "$.after", "stop", "$.end"),
            Map.of("param", "cursor", "path", "$.after", "more", "$.more"),
            Map.of("param", "cursor", "path", "$.after"))) {
      Map<String, Object> c = new java.util.LinkedHashMap<>(cursor);
      c.put("drop_params", java.util.List.of("start_time", "sort"));
      Paginate pg = paginate(Map.of("cursor", c));
      Request first = Request.get(BASE, "t").query("start_time", "1700000000").query("sort", "a");
      first = first.query("per_page", "2");
      Paginator next = pg.paginator("/items");
      Paginator.Step s =
          next.next(
              answer(first, "{\"items\":[1,2],\"after\":\"c2\",\"end\":false,\"more\":true}"));
      assertThat(s.more()).as("%s", c).isTrue();
      Request second = next.follow(first, s.token());
      assertThat(second.url().query()).as("%s", c).isEqualTo("per_page=2&cursor=c2");
    }
  }

  @Test
  void dropParamsIsForQueryCursorsOnly() {
    Problems p = new Problems();
    Paginate.read(
        Settings.root(
            Map.of(
                "paginate",
                Map.of(
                    "cursor",
                    Map.of(
                        "body",
                        "$.after",
                        "path",
                        "$.next",
                        "drop_params",
                        java.util.List.of("a")))),
            p,
            k -> null,
            Path.of(".")),
        "paginate");
    assertThat(p.messages())
        .containsExactly("paginate.cursor.drop_params: only with a query-parameter cursor (param)");
  }
}
