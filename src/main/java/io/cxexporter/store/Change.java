package io.cxexporter.store;

import io.cxexporter.model.Record;

/**
 * What applying one record did to the store: the version it replaced and the one now kept. The KPI
 * engine derives every transition (created, solved, reopened, ...) from these pairs.
 *
 * @param before the previous version, or null when the record is new (a {@link
 *     io.cxexporter.model.Deleted} when it had been deleted)
 * @param after the version now stored (a {@link io.cxexporter.model.Deleted} when deleted)
 */
public record Change(String stream, Record before, Record after) {}
