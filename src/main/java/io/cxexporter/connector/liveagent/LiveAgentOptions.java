package io.cxexporter.connector.liveagent;

import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;
import java.time.Duration;

/**
 * A validated {@code liveagent} block.
 *
 * @param common name, base URL (the account, {@code /api/v3} added) and backfill
 * @param auth the {@code apikey} header, plus {@code Timezone-Offset: 0}
 * @param perPage tickets per list page ({@code _perPage}, 1..500, default 100)
 * @param historyPerPage status-history rows per page (1..1000, default 500)
 * @param requestsPerMinute the key's budget, shared by every endpoint (LiveAgent: 180)
 * @param messagesPerPage CSAT budget: solved tickets whose messages one ratings page reads (1..100)
 * @param overlap how far before the newest ticket or history row each new pass starts
 * @param http timeouts and retry limits
 */
public record LiveAgentOptions(
    CommonOptions common,
    Auth auth,
    int perPage,
    int historyPerPage,
    int requestsPerMinute,
    int messagesPerPage,
    Duration overlap,
    HttpSettings http) {}
