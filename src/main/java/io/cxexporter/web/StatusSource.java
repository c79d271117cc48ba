package io.cxexporter.web;

import io.cxexporter.connector.CheckResult;
import io.cxexporter.kpi.KpiSnapshot;
import io.cxexporter.store.Quarantine;
import io.cxexporter.sync.StreamStatus;
import java.util.List;
import java.util.Map;

/**
 * What the web layer reads from the running exporter; the running pipeline may be swapped by a
 * reload.
 */
public interface StatusSource {

  /** The last computed KPI snapshot. */
  KpiSnapshot snapshot();

  /** Pending and firing alerts of the in-process alerting rules; empty without rules. */
  default List<io.cxexporter.alerting.Alert> alerts() {
    return List.of();
  }

  /** Every stream's state, in config order. */
  List<StreamStatus> streams();

  /** Connector names and their types, in config order. */
  Map<String, String> connectors();

  /** The last {@code check()} of a connector, or null before it ran. */
  CheckResult check(String source);

  /** The vendor's remaining rate-limit budget last reported by a source, or null. */
  Double rateLimitRemaining(String source);

  /**
   * The name or field lookups of a source failing now ({@code groups: transient: HTTP 502 from
   * groups}); its records are still read, with ids for names.
   */
  default List<String> lookupFailures(String source) {
    return List.of();
  }

  /**
   * The line logged when the state file last started empty (damaged at start and moved aside, or
   * deleted while running), or null: the connectors are re-syncing.
   */
  default String stateProblem() {
    return null;
  }

  /** The records of a source that could not be mapped (quarantined), newest first. */
  default Quarantine rejected(String source) {
    return Quarantine.EMPTY;
  }

  /**
   * This replica's shard ({@code --shard}, zero-indexed) of {@code total}, with how many configured
   * connectors run here and how many on the other shards.
   */
  record Shard(int shard, int total, int here, int elsewhere) {}

  /** This replica's shard and its connectors; unsharded (0 of 1), every connector runs here. */
  default Shard shard() {
    return new Shard(0, 1, connectors().size(), 0);
  }

  /** Ready for scrapes: every stream finished a sync or has data. */
  boolean ready();

  /** Where the running config came from. */
  String configOrigin();

  /** {@code version (revision)}. */
  String version();

  /** The last (re)load's result: null when it succeeded, else its problems. */
  List<String> lastReloadProblems();

  /**
   * Reloads the config file; keeps the running config when the new one is invalid.
   *
   * @return null on success, else the problems found
   */
  List<String> reload();
}
