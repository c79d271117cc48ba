/**
 * The embedded state: one SQLite file holding the latest version of every record and every stream's
 * cursor. {@link io.cxexporter.store.Store#apply} is the only write path, and it commits a page
 * with its cursor atomically.
 */
package io.cxexporter.store;
