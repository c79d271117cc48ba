package io.cxexporter.connector.hubspot;

import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;
import io.cxexporter.model.TicketStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code hubspot} block.
 *
 * @param common name, base URL ({@code https://api.hubapi.com} by default) and backfill
 * @param auth the private-app token as {@code Authorization: Bearer ...}
 * @param streams which CRM objects are read: {@code tickets}, {@code feedback}, {@code companies},
 *     {@code deals}
 * @param limit results per search page (1..200)
 * @param maxResultsPerQuery HubSpot's cap on the results of one search query (10,000); a pass
 *     restarts from the last modification time before it
 * @param searchRequestsPerSecond the search endpoints' own limit (4 a second per token)
 * @param overlap how far before the newest record each new pass starts (the search index lags)
 * @param stageStatuses ticket stage (label or id) → normalized status; unlisted stages count as
 *     {@code open} when their pipeline says OPEN, {@code solved} when it says CLOSED
 * @param churnDateProperty the company property holding the churn date, or null: then a company
 *     churns when its lifecycle stage leaves {@code customer} (read from the stage's history)
 * @param mrrProperty the company property holding its monthly recurring revenue, or null
 * @param portalId the account's id (Hub ID), for links to tickets in alert notifications, or null
 * @param http timeouts and retry limits
 */
public record HubspotOptions(
    CommonOptions common,
    Auth auth,
    Set<String> streams,
    int limit,
    int maxResultsPerQuery,
    int searchRequestsPerSecond,
    Duration overlap,
    Map<String, TicketStatus> stageStatuses,
    String churnDateProperty,
    String mrrProperty,
    String portalId,
    HttpSettings http) {
  public HubspotOptions {
    streams = Set.copyOf(streams);
    stageStatuses = Map.copyOf(stageStatuses);
  }

  /** Pages one search query may read before the pass restarts: results cap ÷ page size. */
  public int pagesPerQuery() {
    return Math.max(1, maxResultsPerQuery / limit);
  }
}
