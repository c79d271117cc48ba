package io.cxexporter.connector.intercom;

import io.cxexporter.connector.http.Auth;
import io.cxexporter.connector.http.CommonOptions;
import io.cxexporter.connector.http.HttpSettings;
import java.time.Duration;

/**
 * A validated {@code intercom} block.
 *
 * @param common name, base URL (default {@code https://api.intercom.io}) and backfill
 * @param auth the access token as {@code Authorization: Bearer ...}
 * @param apiVersion the {@code Intercom-Version} header sent with every request, e.g. {@code 2.14}
 * @param perPage conversations per search page (1..150)
 * @param overlap how far before the end of the last pass's time slice each new pass starts
 *     (conversations Intercom's search indexes late, and clock skew)
 * @param tickets whether Intercom tickets are read too ({@code POST /tickets/search})
 * @param appId the workspace's app id (for links into the inbox), or null to learn it from {@code
 *     GET /me}
 * @param http timeouts and retry limits
 */
public record IntercomOptions(
    CommonOptions common,
    Auth auth,
    String apiVersion,
    int perPage,
    Duration overlap,
    boolean tickets,
    String appId,
    HttpSettings http) {}
