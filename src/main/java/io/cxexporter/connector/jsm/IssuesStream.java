package io.cxexporter.connector.jsm;

import io.cxexporter.connector.ConnectorException;
import io.cxexporter.connector.Page;
import io.cxexporter.connector.Stream;
import io.cxexporter.connector.http.ApiClient;
import io.cxexporter.connector.http.PagedStream;
import io.cxexporter.connector.http.Paginator;
import io.cxexporter.connector.http.Request;
import io.cxexporter.connector.http.WatermarkCursor;
import io.cxexporter.model.Cursor;
import io.cxexporter.model.Record;
import io.cxexporter.model.SurveyResponse;
import io.cxexporter.model.Ticket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * Issues through the enhanced JQL search, {@code GET /rest/api/3/search/jql}, with {@code [project
 * in (...) AND] updated >= "yyyy-MM-dd HH:mm" ORDER BY updated ASC}, explicit {@code fields} (the
 * discovered SLA, request type and satisfaction fields among them), {@code expand=changelog}, paged
 * by {@code nextPageToken} until it is missing ({@code isLast}).
 *
 * <p>JQL dates are minute-granular and read in the API user's time zone: the literal is the
 * watermark rounded down to the minute in {@code timeZone}, and the watermark is the newest {@code
 * updated} seen minus {@link #OVERLAP}. Re-read issues are upserted by id, never counted twice. A
 * rated issue also yields its CSAT answer ({@code csat-<id>}) in the same page.
 */
final class IssuesStream implements Stream {
  static final String ENDPOINT = "search/jql";
  static final String NAME = "issues";

  /** How far back each pass re-reads: the minute of the JQL literal plus clock skew and lag. */
  static final Duration OVERLAP = Duration.ofMinutes(5);

  /** The fields the mapper reads, before the discovered custom fields. */
  static final List<String> FIELDS =
      List.of(
          "created",
          "updated",
          "resolutiondate",
          "statuscategorychangedate",
          "status",
          "priority",
          "assignee",
          "summary",
          "components");

  private static final DateTimeFormatter JQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private final PagedStream pages;
  private final JiraFields fields;
  private final JiraMapper.Rules rules;

  private final String groupBy;

  /** Whether the Satisfaction field is read (not when CSAT comes from the endpoint, or is off). */
  private final boolean satisfactionField;

  /**
   * The {@code fields} of the pass being read: chosen at its first page and kept for the pages that
   * follow its {@code nextPageToken}, so a field list that changes mid-pass does not change the
   * query a token belongs to.
   */
  private String passFields;

  /** CSAT answers of the page being mapped; one stream is never read by two threads at once. */
  private final List<Record> surveys = new ArrayList<>();

  IssuesStream(
      ApiClient api, HttpUrl base, JiraFields fields, Clock clock, JiraServiceManagementOptions o) {
    this.fields = fields;
    this.rules = new JiraMapper.Rules(o.pendingStatuses(), o.priorities(), o.groupBy());
    this.groupBy = o.groupBy();
    this.satisfactionField =
        o.csatSource() == JiraServiceManagementOptions.CsatSource.AUTO
            || o.csatSource() == JiraServiceManagementOptions.CsatSource.FIELD;
    this.pages =
        PagedStream.builder(NAME, api, ENDPOINT, clock)
            .first(
                since ->
                    Request.get(base, "rest/api/3/search/jql")
                        .query("jql", jql(o.projects(), since, o.timeZone()))
                        .query("fields", passFields)
                        .query("expand", "changelog")
                        .query("maxResults", Integer.toString(o.maxResults())))
            .items("/issues")
            .paginator(Paginator.token("/nextPageToken", "nextPageToken"))
            .watermark("updated", OVERLAP)
            .backfill(o.common().backfill())
            .time(JiraMapper::updated)
            .mapper(this::map)
            .build();
  }

  /**
   * The JQL of a pass from {@code since} (epoch seconds), rounded down to its minute in {@code
   * zone}.
   */
  static String jql(List<String> projects, long since, ZoneId zone) {
    String at = JQL_TIME.format(Instant.ofEpochSecond(since).atZone(zone));
    String scope =
        projects.isEmpty() ? "" : "project in (" + String.join(", ", projects) + ") AND ";
    return scope + "updated >= \"" + at + "\" ORDER BY updated ASC";
  }

  /** The fields asked for: the mapped ones and the custom fields the site has. */
  static List<String> fieldList(JiraMapper.FieldIds ids, String groupBy) {
    Set<String> out = new LinkedHashSet<>(FIELDS);
    for (String id :
        new String[] {
          ids.slaFirstResponse(),
          ids.slaResolution(),
          ids.requestType(),
          ids.satisfaction(),
          ids.satisfactionDate()
        }) {
      if (id != null) {
        out.add(id);
      }
    }
    if (!groupBy.equals("request_type") && !groupBy.equals("component")) {
      out.add(groupBy);
    }
    return List.copyOf(out);
  }

  private JiraMapper.FieldIds ids() {
    return new JiraMapper.FieldIds(
        fields.id(JiraFields.SLA_FIRST_RESPONSE),
        fields.id(JiraFields.SLA_RESOLUTION),
        fields.id(JiraFields.REQUEST_TYPE),
        satisfactionField ? fields.id(JiraFields.SATISFACTION) : null,
        satisfactionField ? fields.id(JiraFields.SATISFACTION_DATE) : null);
  }

  private Record map(com.fasterxml.jackson.databind.JsonNode issue) {
    JiraMapper.FieldIds ids = ids();
    Ticket t = JiraMapper.ticket(issue, ids, rules);
    SurveyResponse csat = JiraMapper.satisfaction(issue, ids, t.group());
    if (csat != null) {
      surveys.add(csat);
    }
    return t;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Page read(Cursor from) throws ConnectorException {
    surveys.clear();
    if (passFields == null || WatermarkCursor.parse(from, "updated", 0).token() == null) {
      passFields = String.join(",", fieldList(ids(), groupBy));
    }
    try {
      Page p = pages.read(from);
      if (surveys.isEmpty()) {
        return p;
      }
      List<Record> records = new ArrayList<>(p.records());
      records.addAll(surveys);
      return new Page(records, p.next(), p.caughtUp(), p.progress(), p.rejected());
    } finally {
      surveys.clear();
    }
  }

  @Override
  public String toString() {
    return NAME + " (" + ENDPOINT + ")";
  }
}
