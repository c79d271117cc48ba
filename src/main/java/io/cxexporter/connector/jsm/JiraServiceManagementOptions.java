package io.cxexporter.connector.jsm;

import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.model.Priority;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code jira_service_management} block.
 *
 * @param common name, base URL and backfill
 * @param auth {@code {email, api_token}} as Basic, or {@code {bearer_token}} as Bearer
 * @param projects project keys the JQL is limited to; empty for every project the user can see
 * @param timeZone the API user's profile time zone, in which Jira reads JQL date literals
 * @param maxResults issues asked per page (Jira may return fewer)
 * @param pendingStatuses status names (lower case) that count as pending (waiting for customer)
 * @param priorities Jira priority name (lower case) → normalized priority
 * @param groupBy where the group label comes from: {@code request_type}, {@code component} or a
 *     custom field id ({@code customfield_10050})
 * @param csatSource where CSAT comes from: the Satisfaction field, the feedback endpoint, the field
 *     when the site has it else the endpoint ({@code auto}), or nowhere
 * @param feedbackLookback how long after their resolution requests are asked for feedback
 * @param feedbackRequestsPerMinute the feedback endpoint's budget
 * @param http timeouts and retry limits
 */
public record JiraServiceManagementOptions(
    CommonOptions common,
    Auth auth,
    List<String> projects,
    ZoneId timeZone,
    int maxResults,
    List<String> pendingStatuses,
    Map<String, Priority> priorities,
    String groupBy,
    CsatSource csatSource,
    java.time.Duration feedbackLookback,
    int feedbackRequestsPerMinute,
    HttpSettings http) {

  /** Where CSAT answers are read from ({@code csat_source}). */
  public enum CsatSource {
    /** The Satisfaction field when the site has one, else the feedback endpoint. */
    AUTO,
    /** The Satisfaction field only (no extra requests). */
    FIELD,
    /** {@code /rest/servicedeskapi/request/{key}/feedback} for recently resolved requests. */
    FEEDBACK,
    /** No CSAT. */
    OFF
  }

  public JiraServiceManagementOptions {
    projects = List.copyOf(projects);
    pendingStatuses = List.copyOf(pendingStatuses);
    priorities = Map.copyOf(priorities);
  }
}
