/**
 * Metric names, buckets and HELP texts in one place ({@link io.cxexporter.metrics.MetricNames}),
 * and the collectors that turn KPI snapshots, transitions and exporter health into Prometheus
 * metrics, and the {@code /metrics} handler ({@link io.cxexporter.metrics.ScrapeHandler}). Metric
 * owners take the registry as a parameter; only {@code app} picks the registry.
 */
package io.cxexporter.metrics;
