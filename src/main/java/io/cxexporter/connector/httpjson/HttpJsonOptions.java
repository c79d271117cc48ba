package io.cxexporter.connector.httpjson;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code http_json} block.
 *
 * @param common name, base URL and backfill
 * @param auth the credentials (and the {@code headers} sent on every request)
 * @param rateLimit the vendor's budget, or null
 * @param lookups id → name tables by name
 * @param streams the streams, in the order written
 * @param ticketUrl a ticket's link with {@code {id}} in it, or null (then the base URL)
 * @param http timeouts and retry limits
 */
public record HttpJsonOptions(
    CommonOptions common,
    Auth auth,
    RateLimit rateLimit,
    Map<String, Lookup> lookups,
    List<StreamSpec> streams,
    String ticketUrl,
    HttpSettings http) {
  public HttpJsonOptions {
    lookups = Map.copyOf(lookups);
    streams = List.copyOf(streams);
  }

  /**
   * {@code rate_limit: {remaining_header: X-RateLimit-Remaining, requests_per_minute: 100}}.
   *
   * @param remainingHeader the header with the requests left, or null (the common names)
   * @param requestsPerMinute a budget every request of the connector shares, or 0 for none
   */
  public record RateLimit(String remainingHeader, int requestsPerMinute) {}

  /**
   * {@code groups: {path: /api/v2/groups, records: "$[*]", key: "$.id", value: "$.name"}}.
   *
   * @param recordsPointer the JSON pointer of the list in the answer
   */
  public record Lookup(
      String name,
      String path,
      Map<String, List<String>> params,
      String recordsPointer,
      JsonPath key,
      JsonPath value,
      Paginate paginate,
      Duration refresh) {}

  /**
   * {@code since: {param: updated_since, field: "$.updated_at", format: iso8601, overlap: 1m}}.
   *
   * @param param the query parameter the watermark is sent in, or null when it goes where {@code
   *     {{since}}} is written (in {@code params} values or the POST body)
   * @param field the record's change time, which moves the watermark
   * @param format how the parameter is written
   * @param fieldFormat how the field is written
   * @param overlap how far before the newest record each new pass starts
   */
  public record Since(
      String param, JsonPath field, TimeFormat format, TimeFormat fieldFormat, Duration overlap) {}

  /**
   * One stream.
   *
   * @param name the stream's name (its key under {@code streams}), in metrics and cursors
   * @param kind tickets, satisfaction_ratings, surveys, customers or deals
   * @param method GET or POST
   * @param body the POST body as written (with {@code {{since}}} where the watermark goes), or null
   * @param recordsPointer the JSON pointer of the records' array in a page
   * @param since the incremental filter, or null (every pass reads the whole list)
   * @param maxPages the vendor's cap on the pages of one query (Freshdesk: 300): reaching it
   *     restarts the pass from the watermark; 0 for none
   * @param mapping the kind's field map
   */
  public record StreamSpec(
      String name,
      String kind,
      String path,
      String method,
      Map<String, List<String>> params,
      JsonNode body,
      String recordsPointer,
      Paginate paginate,
      Since since,
      int maxPages,
      RecordMapping mapping) {
    /** True when the watermark goes where {@code {{since}}} is written. */
    boolean sinceInTemplate() {
      return params.values().stream()
              .flatMap(List::stream)
              .anyMatch(v -> v.contains(HttpJsonConnectorFactory.SINCE))
          || (body != null && body.toString().contains(HttpJsonConnectorFactory.SINCE));
    }
  }
}
