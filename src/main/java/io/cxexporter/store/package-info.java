/**
 * The embedded state: one SQLite file holding the latest version of every record and every stream's
 * cursor, the alerting agent's memory and the quarantine of records that could not be mapped.
 * {@link io.cxexporter.store.Store#apply} is the only write path for records, and it commits a page
 * with its cursor (and its rejected records) atomically. The file is a cache: it is checked and
 * migrated on open, and a damaged or deleted one is moved aside or recreated, reported, and
 * re-synced.
 */
package io.cxexporter.store;
