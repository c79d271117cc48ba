/**
 * The entry point and the only place that wires: flags ({@link io.cxexporter.app.Main}), the
 * running exporter and its reload ({@link io.cxexporter.app.App}), one pipeline per config.
 */
package io.cxexporter.app;
