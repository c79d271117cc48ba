package io.cxexporter.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxexporter.connector.http.ErrorPolicy.Action;
import io.cxexporter.testing.MutableClock;
import io.cxexporter.util.ErrorTable;
import io.cxexporter.util.RetryAfter;
import java.time.Duration;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class HttpPiecesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final MutableClock clock = MutableClock.at("2026-10-21T07:27:00Z");

  static ApiResponse page(String url, String json, String... headers) throws Exception {
    return new ApiResponse(HttpUrl.get(url), 200, Headers.of(headers), JSON.readTree(json));
  }

  /** The URL of the page after {@code page}, as the paged stream would request it. */
  static Optional<HttpUrl> next(Paginator p, ApiResponse page) throws Exception {
    Paginator.Step step = p.next(page);
    return step.more()
        ? Optional.of(p.follow(page.request(), step.token()).url())
        : Optional.empty();
  }

  @Test
  void errorTableMapsEveryStatusClass() {
    assertThat(ErrorTable.classify(200)).isEqualTo(ErrorTable.Action.OK);
    assertThat(ErrorTable.classify(429)).isEqualTo(ErrorTable.Action.RATE_LIMITED);
    assertThat(ErrorTable.classify(503)).isEqualTo(ErrorTable.Action.RATE_LIMITED);
    assertThat(ErrorTable.classify(401)).isEqualTo(ErrorTable.Action.AUTH);
    assertThat(ErrorTable.classify(403)).isEqualTo(ErrorTable.Action.AUTH);
    assertThat(ErrorTable.classify(500)).isEqualTo(ErrorTable.Action.RETRY);
    assertThat(ErrorTable.classify(408)).isEqualTo(ErrorTable.Action.RETRY);
    assertThat(ErrorTable.classify(400)).isEqualTo(ErrorTable.Action.PERMANENT);
    assertThat(ErrorTable.classify(404)).isEqualTo(ErrorTable.Action.PERMANENT);
  }

  @Test
  void retryAfterReadsSecondsAndHttpDates() {
    assertThat(RetryAfter.parse("120", clock)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:28:00 GMT", clock))
        .contains(Duration.ofSeconds(60));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:00:00 GMT", clock)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
    assertThat(RetryAfter.untilReset("30", clock)).contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.untilReset(Long.toString(clock.instant().getEpochSecond() + 45), clock))
        .contains(Duration.ofSeconds(45));
  }

  @Test
  void endpointLimitSpacesRequestsWithinItsWindow() {
    EndpointLimit tenPerMinute = new EndpointLimit(2, Duration.ofMinutes(1), clock);
    assertThat(tenPerMinute.reserve()).isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(tenPerMinute.reserve()).isZero();
    assertThat(tenPerMinute.reserve()).isEqualTo(Duration.ofSeconds(50));
    assertThat(tenPerMinute.reserve()).isEqualTo(Duration.ofSeconds(60));
    clock.advance(Duration.ofMinutes(5));
    assertThat(tenPerMinute.reserve()).isZero();
  }

  @Test
  void cursorPaginationStopsAtTheEndOfStream() throws Exception {
    Paginator p = Paginator.cursor("/after_cursor", "/end_of_stream", "cursor");
    ApiResponse more =
        page(
            "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?start_time=1",
            "{\"after_cursor\":\"abc\",\"end_of_stream\":false}");
    ApiResponse last =
        page("https://acme.zendesk.com/x", "{\"after_cursor\":\"def\",\"end_of_stream\":true}");

    assertThat(next(p, more).map(HttpUrl::toString))
        .contains(
            "https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?start_time=1&cursor=abc");
    assertThat(next(p, last)).isEmpty();
  }

  @Test
  void nextUrlLinkHeaderAndPageNumberPagination() throws Exception {
    assertThat(
            next(
                Paginator.nextUrl("/links/next"),
                page(
                    "https://a.example/x",
                    "{\"links\":{\"next\":\"https://a.example/x?page[after]=2\"}}")))
        .map(HttpUrl::toString)
        .contains("https://a.example/x?page[after]=2");
    assertThat(
            next(
                Paginator.nextUrl("/links/next"),
                page("https://a.example/x", "{\"links\":{\"next\":null}}")))
        .isEmpty();

    ApiResponse linked =
        page(
            "https://acme.freshdesk.com/api/v2/tickets?page=1",
            "[]",
            "Link",
            "<https://acme.freshdesk.com/api/v2/tickets?page=2>; rel=\"next\"");
    assertThat(next(Paginator.linkHeader(), linked).map(HttpUrl::toString))
        .contains("https://acme.freshdesk.com/api/v2/tickets?page=2");
    assertThat(next(Paginator.linkHeader(), page("https://a.example/", "[]"))).isEmpty();

    Paginator numbered = Paginator.pageNumber("page", "/items", 2);
    assertThat(
            next(numbered, page("https://a.example/t?page=3", "{\"items\":[1,2]}"))
                .map(u -> u.queryParameter("page")))
        .isEqualTo(Optional.of("4"));
    assertThat(next(numbered, page("https://a.example/t", "{\"items\":[1]}"))).isEmpty();
  }

  @Test
  void theStandardErrorPolicyIsTheErrorTable() {
    ErrorPolicy p = ErrorPolicy.standard();
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 401, ""))).isEqualTo(Action.AUTH);
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 403, "REQUEST_LIMIT_EXCEEDED")))
        .isEqualTo(Action.AUTH);
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 429, ""))).isEqualTo(Action.RATE_LIMITED);
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 503, ""))).isEqualTo(Action.RATE_LIMITED);
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 500, ""))).isEqualTo(Action.RETRY);
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 408, ""))).isEqualTo(Action.RETRY);
    assertThat(p.classify(ErrorPolicy.Answer.of("t", 404, ""))).isEqualTo(Action.PERMANENT);
  }

  @Test
  void errorPolicyRulesAreTriedInOrderBeforeTheStandardOnes() {
    ErrorPolicy p =
        ErrorPolicy.builder()
            .endpoint("slas/policies", 403, Action.FEATURE_UNAVAILABLE)
            .bodyContains(403, "REQUEST_LIMIT_EXCEEDED", Action.RATE_LIMITED)
            .build();
    assertThat(p.classify(ErrorPolicy.Answer.of("slas/policies", 403, "REQUEST_LIMIT_EXCEEDED")))
        .isEqualTo(Action.FEATURE_UNAVAILABLE);
    assertThat(
            p.classify(
                ErrorPolicy.Answer.of(
                    "query", 403, "[{\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")))
        .isEqualTo(Action.RATE_LIMITED);
    assertThat(p.classify(ErrorPolicy.Answer.of("query", 403, "{}"))).isEqualTo(Action.AUTH);
    assertThat(p.classify(ErrorPolicy.Answer.of("slas/policies", 404, "")))
        .isEqualTo(Action.PERMANENT);
  }

  @Test
  void errorPolicyRulesAreCheckedWhenAdded() {
    ErrorPolicy.Builder b = ErrorPolicy.builder();
    assertThatThrownBy(() -> b.endpoint("t", 200, Action.RETRY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be 400 to 599, got 200");
    assertThatThrownBy(() -> b.endpoint(" ", 403, Action.RETRY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint must not be blank");
    assertThatThrownBy(() -> b.bodyContains(403, "", Action.RETRY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("text must be 1 to 4096 characters, got 0");
  }
}
