package io.cxexporter.connector.zendesk;

import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;

/**
 * A validated {@code zendesk} block.
 *
 * @param common name, base URL and backfill
 * @param auth {@code {email, token}} as Basic, or {@code {oauth_token}} as Bearer
 * @param perPage tickets per export page (1..1000)
 * @param exportRequestsPerMinute the budget both incremental exports share (10, or 30 with the High
 *     Volume add-on)
 * @param slaResolutionMetric the Zendesk SLA metric that stands for the resolution target
 * @param http timeouts and retry limits
 */
public record ZendeskOptions(
    CommonOptions common,
    Auth auth,
    int perPage,
    int exportRequestsPerMinute,
    String slaResolutionMetric,
    HttpSettings http) {}
