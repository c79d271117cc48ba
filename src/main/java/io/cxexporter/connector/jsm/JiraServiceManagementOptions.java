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
    HttpSettings http) {
  public JiraServiceManagementOptions {
    projects = List.copyOf(projects);
    pendingStatuses = List.copyOf(pendingStatuses);
    priorities = Map.copyOf(priorities);
  }
}
