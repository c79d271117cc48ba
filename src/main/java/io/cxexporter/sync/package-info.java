/**
 * The sync loop: per stream, read page → commit records and cursor together → update KPIs, until
 * caught up, then rest {@code poll_interval}; backoff on failure, backfill progress and health
 * reported for every stream. Each page is its own task on a small shared pool, so streams take
 * turns page by page. {@link io.cxexporter.sync.SyncEngine} is the entry point.
 */
package io.cxexporter.sync;
