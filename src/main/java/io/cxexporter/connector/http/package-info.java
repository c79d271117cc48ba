/**
 * The HTTP layer every vendor connector shares, written once: {@link
 * io.cxexporter.connector.http.ApiClient} (auth, including {@link
 * io.cxexporter.connector.http.OAuth2} tokens, timeouts, retries with backoff and jitter, {@code
 * Retry-After}, rate-limit budgeting, per-endpoint limits, request metrics), the status → action
 * rules {@link io.cxexporter.connector.http.ErrorPolicy} (the shared {@link
 * io.cxexporter.util.ErrorTable} unless a vendor adds its own), and pagination strategies {@link
 * io.cxexporter.connector.http.Paginator}.
 *
 * <p>Part of the connector SPI side: imports no exporter package but {@code connector}.
 */
package io.cxexporter.connector.http;
