package io.cxexporter.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole validated configuration: immutable, every value checked. Built by {@link ConfigLoader}.
 *
 * @param origin where it came from (a file path, or {@code built-in demo})
 * @param statePath the folder holding the SQLite state file
 */
public record ExporterConfig(
    String origin,
    ServerConfig server,
    Path statePath,
    KpiConfig kpi,
    List<ConnectorSpec> connectors) {

  public ExporterConfig {
    connectors = List.copyOf(connectors);
  }
}
