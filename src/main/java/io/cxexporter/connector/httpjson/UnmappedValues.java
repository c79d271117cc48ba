package io.cxexporter.connector.httpjson;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each vendor value a {@code values} map does not know once per connector (the first record
 * that has it, and what to do), not once per record: a new status code in a 10,000-ticket backfill
 * is one line. Every such record is still counted in {@code
 * cx_connector_errors_total{kind="mapping"}} and skipped. At most {@link #MAX} values are
 * remembered; after that each is logged again (never unbounded memory).
 */
final class UnmappedValues {
  static final int MAX = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(UnmappedValues.class);

  private final String source;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  UnmappedValues(String source) {
    this.source = source;
  }

  /**
   * Notes an unmapped value met in stream {@code stream} on record {@code id}.
   *
   * @return true when this was the first time (and it was logged)
   */
  boolean saw(String stream, FieldSpec.Unmapped e, String id) {
    String k = e.field + "\u0000" + e.value;
    if (seen.contains(k)) {
      return false;
    }
    if (seen.size() < MAX) {
      seen.add(k);
    }
    LOG.warn(
        "{}/{}: {} has no mapping for value \"{}\" (first seen on record {}); such records are"
            + " skipped and counted as mapping errors: add the value to values, or set default",
        source,
        stream,
        e.field,
        e.value,
        id);
    return true;
  }
}
