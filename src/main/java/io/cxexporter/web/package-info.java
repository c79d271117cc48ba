/**
 * The HTTP side: {@code /metrics} (content negotiation and gzip by client_java, the KPI snapshot's
 * text rendered once per refresh by {@link io.cxexporter.metrics.ScrapeHandler}), health and
 * readiness, reload, and the escaped, secret-free status page. Reads the running exporter only
 * through {@link io.cxexporter.web.StatusSource}.
 */
package io.cxexporter.web;
