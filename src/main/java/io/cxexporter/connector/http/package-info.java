/**
 * The connector kit: what every HTTP connector is built from, written once. {@link
 * io.cxexporter.connector.http.PagedStream} is the one paging loop (shape check, per-record mapping
 * errors, repeated-token guard, page caps), driven by {@link
 * io.cxexporter.connector.http.Paginator} strategies over {@link
 * io.cxexporter.connector.http.Request}s; {@link io.cxexporter.connector.http.WatermarkCursor} and
 * {@link io.cxexporter.connector.http.CursorFields} are the cursors, {@link
 * io.cxexporter.connector.http.NameDirectory} the name lookups, {@link
 * io.cxexporter.connector.http.CommonOptions} the shared config keys. Under them the HTTP layer:
 * {@link io.cxexporter.connector.http.ApiClient} (auth, including {@link
 * io.cxexporter.connector.http.OAuth2} tokens, timeouts, retries with backoff and jitter, {@code
 * Retry-After}, rate-limit budgeting, per-endpoint limits, request metrics), the status → action
 * rules {@link io.cxexporter.connector.http.ErrorPolicy} (the shared {@link
 * io.cxexporter.util.ErrorTable} unless a vendor adds its own).
 *
 * <p>Part of the connector side: imports only {@code connector}, {@code model}, {@code config} and
 * {@code util} of the exporter (a rule {@code ArchitectureTest} keeps). See {@code
 * docs/connectors/WRITING.md}.
 */
package io.cxexporter.connector.http;
