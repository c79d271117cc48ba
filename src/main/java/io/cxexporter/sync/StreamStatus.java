package io.cxexporter.sync;

import java.time.Duration;
import java.time.Instant;

/**
 * What the status page and readiness know of one stream.
 *
 * @param progress backfill progress 0..1 (1 once caught up), NaN when unknown
 * @param eta the estimated time left in the backfill, or null
 * @param lastSuccess the last successful page read, or null
 * @param lastError the last error message (never credentials), or null after a success
 * @param recordsApplied records changed by this stream since the process started
 */
public record StreamStatus(
    String source,
    String connectorType,
    String stream,
    boolean backfillDone,
    double progress,
    Duration eta,
    Instant lastSuccess,
    Duration lastSyncDuration,
    String lastError,
    Instant lastErrorAt,
    long recordsApplied,
    boolean hadData) {}
