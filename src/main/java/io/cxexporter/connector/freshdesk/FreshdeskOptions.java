package io.cxexporter.connector.freshdesk;

import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.model.TicketStatus;
import java.util.Map;

/**
 * A validated {@code freshdesk} block.
 *
 * @param common name, base URL and backfill
 * @param auth the API key as HTTP Basic {@code {api_key}:X}
 * @param perPage tickets (and ratings) per list page (1..100)
 * @param listRequestsPerMinute the plan's per-minute sub-limit of the list endpoints (Growth: 20)
 * @param maxPagesPerQuery Freshdesk's page cap of one ticket query (300); the pass restarts from
 *     the watermark before it
 * @param overlap how far before the newest ticket each new pass starts (tickets indexed late)
 * @param customStatuses custom status (label or numeric id) → normalized status; unlisted custom
 *     statuses count as {@code on_hold}
 * @param http timeouts and retry limits
 */
public record FreshdeskOptions(
    CommonOptions common,
    Auth auth,
    int perPage,
    int listRequestsPerMinute,
    int maxPagesPerQuery,
    java.time.Duration overlap,
    Map<String, TicketStatus> customStatuses,
    HttpSettings http) {
  public FreshdeskOptions {
    customStatuses = Map.copyOf(customStatuses);
  }
}
