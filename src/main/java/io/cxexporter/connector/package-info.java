/**
 * The connector SPI: what a vendor connector implements and nothing else. A {@link
 * io.cxexporter.connector.ConnectorFactory} (found by {@link java.util.ServiceLoader} by {@code
 * type}) reads its keys from {@link io.cxexporter.config.Settings} and builds a {@link
 * io.cxexporter.connector.Connector}; the connector exposes {@link io.cxexporter.connector.Stream}s
 * that read {@link io.cxexporter.connector.Page}s from an opaque {@link
 * io.cxexporter.model.Cursor}.
 *
 * <p>This package imports only {@code io.cxexporter.model}, {@code io.cxexporter.config} (its value
 * types and {@code Settings}) and {@code io.cxexporter.util} of the exporter.
 */
package io.cxexporter.connector;
