/**
 * The HTTP side: {@code /metrics} (content negotiation and gzip by client_java, the KPI snapshot's
 * text rendered once per refresh by {@link io.cxexporter.metrics.ScrapeHandler}), health and
 * readiness, reload (with {@code --web.enable-lifecycle}), and the escaped, secret-free status
 * page. Reads the running exporter only through {@link io.cxexporter.web.StatusSource}. TLS, bcrypt
 * basic auth and extra headers come from {@link io.cxexporter.web.WebConfig} (the Prometheus
 * exporter-toolkit format), polled and re-read while running; limits (concurrent scrapes, header
 * and body size, idle timeout) and the absence of a server banner are set in {@link
 * io.cxexporter.web.WebServer}.
 */
package io.cxexporter.web;
