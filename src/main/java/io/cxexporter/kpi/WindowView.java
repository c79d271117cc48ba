package io.cxexporter.kpi;

/**
 * The windowed aggregates of one source at one instant, as {@link KpiEngine} reads them to emit its
 * series: from a full scan ({@link WindowPass}, the tests' oracle) or kept incrementally ({@link
 * IncrementalWindows}).
 */
interface WindowView {
  /** The aggregate of dimension {@code dim}'s value index {@code value}; -1 when it has none. */
  int aggregate(int dim, int value);

  /** The aggregate of {@code tag} label index {@code value}; -1 when it has none. */
  int tagAggregate(int value);

  /** Whether any window counted a record in the aggregate (false for -1). */
  boolean present(int aggregate);

  /** The sums of window {@code window} (config order) for a present aggregate. */
  WindowAggregates aggregates(int window, int aggregate);
}
