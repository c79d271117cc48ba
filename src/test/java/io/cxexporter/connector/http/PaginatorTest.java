package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Each pagination style: what follows a page, and the request a token turns back into. */
class PaginatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpUrl BASE = HttpUrl.get("https://api.example/");

  static ApiResponse answer(Request sent, String json, String... headers) throws Exception {
    return new ApiResponse(sent, 200, Headers.of(headers), JSON.readTree(json));
  }

  @Test
  void offsetAdvancesByTheItemsReadUntilAShortPage() throws Exception {
    Paginator p = Paginator.offset("start", "/values", 2);
    Request first = Request.get(BASE, "rest/servicedeskapi/request");
    Paginator.Step s = p.next(answer(first, "{\"values\":[1,2]}"));
    assertThat(s).isEqualTo(Paginator.Step.more("2"));
    Request second = p.follow(first, s.token());
    assertThat(second.queryParameter("start")).isEqualTo("2");
    assertThat(p.next(answer(second, "{\"values\":[1,2]}"))).isEqualTo(Paginator.Step.more("4"));
    assertThat(p.next(answer(second, "{\"values\":[1]}"))).isEqualTo(Paginator.Step.last());
  }

  @Test
  void soqlFollowsNextRecordsUrlUntilDone() throws Exception {
    Paginator p = Paginator.soql();
    Request first = Request.get(BASE, "services/data/v59.0/query").query("q", "SELECT Id");
    ApiResponse more =
        answer(
            first,
            "{\"done\":false,\"nextRecordsUrl\":\"/services/data/v59.0/query/01g-2000\","
                + "\"records\":[]}");
    Paginator.Step s = p.next(more);
    assertThat(s.more()).isTrue();
    assertThat(p.follow(first, s.token()).url().toString())
        .isEqualTo("https://api.example/services/data/v59.0/query/01g-2000");
    assertThat(p.next(answer(first, "{\"done\":true,\"records\":[]}")))
        .isEqualTo(Paginator.Step.last());
    assertThat(p.wellFormed(answer(first, "{\"records\":[]}"))).isFalse();
  }

  @Test
  void aBodyTokenIsWrittenIntoACopyOfTheFirstBody() throws Exception {
    Paginator p = Paginator.bodyToken("/pages/next/starting_after", "/pagination/starting_after");
    Request first =
        Request.post(BASE, "conversations/search", JSON.readTree("{\"query\":{\"field\":\"x\"}}"));
    Paginator.Step s =
        p.next(answer(first, "{\"pages\":{\"next\":{\"starting_after\":\"WzE3\"}}}"));
    Request next = p.follow(first, s.token());
    assertThat(next.body().toString())
        .isEqualTo("{\"query\":{\"field\":\"x\"},\"pagination\":{\"starting_after\":\"WzE3\"}}");
    assertThat(first.body().toString()).as("untouched").isEqualTo("{\"query\":{\"field\":\"x\"}}");
    assertThat(next.method()).isEqualTo("POST");
    assertThat(p.next(answer(first, "{\"pages\":{\"next\":null}}")))
        .isEqualTo(Paginator.Step.last());
  }

  @Test
  void aQueryTokenEndsWhenTheVendorStopsSendingOne() throws Exception {
    Paginator p = Paginator.token("/nextPageToken", "nextPageToken");
    Request first = Request.get(BASE, "rest/api/3/search/jql").query("jql", "updated >= 1");
    Paginator.Step s = p.next(answer(first, "{\"nextPageToken\":\"CAE\"}"));
    assertThat(p.follow(first, s.token()).url().queryParameter("nextPageToken")).isEqualTo("CAE");
    assertThat(p.follow(first, s.token()).url().queryParameter("jql")).isEqualTo("updated >= 1");
    assertThat(p.next(answer(first, "{\"isLast\":true}"))).isEqualTo(Paginator.Step.last());
  }

  @Test
  void anEndFlagCursorResumesAtItsLastCursor() throws Exception {
    Paginator p = Paginator.cursor("/after_cursor", "/end_of_stream", "cursor", "start_time");
    Request first = Request.get(BASE, "export").query("start_time", "5");
    assertThat(p.next(answer(first, "{\"after_cursor\":\"Z\",\"end_of_stream\":true}")))
        .isEqualTo(Paginator.Step.lastAt("Z"));
    assertThat(p.follow(first, "Z").url().query()).isEqualTo("cursor=Z");
    assertThat(p.wellFormed(answer(first, "{\"after_cursor\":\"Z\"}"))).isFalse();
  }

  @Test
  void requestsNeverShowTheirQueryInMessages() {
    Request r = Request.get(BASE, "api/v2/users/show_many.json").query("ids", "1,2");
    assertThat(r.toString()).isEqualTo("GET /api/v2/users/show_many.json");
  }
}
