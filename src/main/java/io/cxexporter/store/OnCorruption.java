package io.cxexporter.store;

/**
 * What opening a damaged state file does ({@code state.on_corruption}): the file is a cache of the
 * vendors' truth, so by default it is moved aside and the exporter re-syncs.
 */
public enum OnCorruption {
  /** Move the file aside ({@code cx.db.corrupt-<time>}), log one ERROR line, start empty. */
  RESET,
  /** Do not start: fail with the same line, leaving the file in place. */
  REFUSE
}
