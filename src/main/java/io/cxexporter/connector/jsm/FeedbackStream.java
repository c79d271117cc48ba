package io.cxexporter.connector.jsm;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.RequestListener;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.http.WatermarkCursor;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * CSAT from {@code GET /rest/servicedeskapi/request/{key}/feedback} ({@code {"type": "csat",
 * "rating": 1..5}}), for sites whose issues do not carry the Satisfaction field ({@code
 * csat_source: feedback}, or {@code auto} when the field list has none). It never slows the issue
 * stream: it is a stream of its own with its own search and its own per-minute budget.
 *
 * <p>It reads only recently resolved requests: a JQL search {@code [project in (...) AND]
 * resolutiondate >= -<lookback> AND updated >= "<watermark>" ORDER BY updated ASC} with a few
 * fields and the changelog, paged by {@code nextPageToken}. An issue is asked for its feedback when
 * it changed after it was resolved (a rating updates the issue; an issue read at the minute of its
 * resolution cannot have one yet), at most once per version; {@code 404} (no feedback, or not a
 * service request) means none. The answer carries no date: the rating is dated by the newest
 * changelog entry of the Satisfaction field, else by the issue's update. A {@code 403} on the
 * feedback endpoint is reported as a failed lookup ({@code cx_connector_errors_total{stream=
 * "lookup/feedback"}}) and the rest of the page is skipped; other failures fail the page, which is
 * read again.
 */
final class FeedbackStream implements Stream {
  static final String NAME = "feedback";

  /** The search this stream sends, counted apart from the issue stream's. */
  static final String SEARCH_ENDPOINT = "search/jql (feedback)";

  /** The feedback endpoint, under its own per-minute budget. */
  static final String ENDPOINT = "request/feedback";

  /** Issues per search page: each may cost one feedback request. */
  static final int PAGE_SIZE = 25;

  /** How long after its resolution an issue's change may be a rating. */
  static final Duration AFTER_RESOLUTION = Duration.ofMinutes(1);

  private final ApiClient api;
  private final HttpUrl base;
  private final JiraFields fields;
  private final JiraServiceManagementOptions options;
  private final RequestListener lookups;
  private final PagedStream pages;

  /** The candidates of the page being mapped; one stream is never read by two threads at once. */
  private final List<Candidate> candidates = new ArrayList<>();

  /**
   * The {@code fields} of the pass being read (kept for the pages of one {@code nextPageToken}).
   */
  private String passFields;

  private record Candidate(String id, String key, Instant at, String group) {}

  FeedbackStream(
      ApiClient api,
      HttpUrl base,
      JiraFields fields,
      Clock clock,
      JiraServiceManagementOptions o,
      RequestListener lookups) {
    this.api = api;
    this.base = base;
    this.fields = fields;
    this.options = o;
    this.lookups = lookups;
    this.pages =
        PagedStream.builder(NAME, api, SEARCH_ENDPOINT, clock)
            .first(
                since ->
                    Request.get(base, "rest/api/3/search/jql")
                        .query("jql", jql(o, since))
                        .query("fields", passFields)
                        .query("expand", "changelog")
                        .query("maxResults", Integer.toString(PAGE_SIZE)))
            .items("/issues")
            .paginator(Paginator.token("/nextPageToken", "nextPageToken"))
            .watermark("updated", IssuesStream.OVERLAP)
            .backfill(o.feedbackLookback())
            .progress(false)
            .time(JiraMapper::updated)
            .mapper(this::candidate)
            .build();
  }

  /** The search of a pass from {@code since}: recently resolved issues, oldest change first. */
  static String jql(JiraServiceManagementOptions o, long since) {
    String issues = IssuesStream.jql(o.projects(), since, o.timeZone());
    String resolved = "resolutiondate >= -" + o.feedbackLookback().toMinutes() + "m AND ";
    int at = issues.indexOf("updated >= ");
    return issues.substring(0, at) + resolved + issues.substring(at);
  }

  /** Whether this stream reads anything: by configuration, or because the site has no field. */
  boolean active() {
    return switch (options.csatSource()) {
      case FEEDBACK -> true;
      case AUTO -> fields.absent(JiraFields.SATISFACTION);
      case FIELD, OFF -> false;
    };
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    if (!active()) {
      return new Page(List.of(), from, true, 1.0, List.of());
    }
    if (passFields == null || WatermarkCursor.parse(from, "updated", 0).token() == null) {
      passFields = String.join(",", fieldList());
    }
    candidates.clear();
    try {
      Page p = pages.read(from);
      List<Record> out = new ArrayList<>(p.records());
      for (Candidate c : candidates) {
        Record r;
        try {
          r = feedback(c);
        } catch (ConnectorException e) {
          if (e.kind() != ConnectorException.Kind.FEATURE_UNAVAILABLE) {
            throw e;
          }
          lookups.onLookupFailed(NAME, "feature_unavailable", e.getMessage());
          break; // not allowed to read feedback: nothing to gain from the rest of the page
        }
        lookups.onLookupRecovered(NAME);
        if (r != null) {
          out.add(r);
        }
      }
      return new Page(out, p.next(), p.caughtUp(), p.progress(), p.rejected());
    } finally {
      candidates.clear();
    }
  }

  private List<String> fieldList() {
    Set<String> out = new LinkedHashSet<>(List.of("updated", "resolutiondate", "components"));
    String requestType = fields.id(JiraFields.REQUEST_TYPE);
    if (requestType != null) {
      out.add(requestType);
    }
    String groupBy = options.groupBy();
    if (!groupBy.equals("request_type") && !groupBy.equals("component")) {
      out.add(groupBy);
    }
    return List.copyOf(out);
  }

  /** Notes an issue to ask for its feedback; no record of its own. */
  private Record candidate(JsonNode issue) {
    JsonNode f = issue.path("fields");
    Instant resolved = JiraMapper.time(f.path("resolutiondate"));
    Instant updated = JiraMapper.time(f.path("updated"));
    String id = issue.path("id").asText("");
    String key = issue.path("key").asText("");
    if (id.isEmpty() || key.isEmpty()) {
      throw new IllegalArgumentException("issue without an id or key");
    }
    if (resolved == null || updated == null || updated.isBefore(resolved.plus(AFTER_RESOLUTION))) {
      return null;
    }
    Instant rated = ratedAt(issue);
    String group =
        JiraMapper.group(
            f,
            new JiraMapper.FieldIds(null, null, fields.id(JiraFields.REQUEST_TYPE), null, null),
            options.groupBy());
    candidates.add(new Candidate(id, key, rated != null ? rated : updated, group));
    return null;
  }

  /**
   * When the Satisfaction field last changed, from the changelog in the page; null if not in it.
   */
  static Instant ratedAt(JsonNode issue) {
    Instant newest = null;
    for (JsonNode h : issue.path("changelog").path("histories")) {
      for (JsonNode item : h.path("items")) {
        if (item.path("field").asText("").toLowerCase(Locale.ROOT).equals("satisfaction")) {
          Instant at = JiraMapper.time(h.path("created"));
          if (at != null && (newest == null || at.isAfter(newest))) {
            newest = at;
          }
        }
      }
    }
    return newest;
  }

  private Record feedback(Candidate c) throws ConnectorException {
    JsonNode body;
    try {
      body =
          api.get(
                  ENDPOINT,
                  base.newBuilder()
                      .addPathSegments("rest/servicedeskapi/request")
                      .addPathSegment(c.key())
                      .addPathSegment("feedback")
                      .build())
              .body();
    } catch (ConnectorException e) {
      if (e.kind() == ConnectorException.Kind.PERMANENT) {
        return null; // 404: no feedback (or not a service request)
      }
      throw e;
    }
    JsonNode rating = body.path("rating");
    if (!rating.canConvertToInt() || rating.asInt() < 1 || rating.asInt() > 5) {
      return null; // not rated, or a feedback type this connector does not read
    }
    return JiraMapper.csat(c.id(), rating.asInt(), c.at(), c.group());
  }

  @Override
  public String toString() {
    return NAME + " (" + ENDPOINT + ")";
  }
}
