package io.cxexporter.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reload does to the connectors when nothing else changed: which start, stop, restart or
 * keep running. Compares {@link ConnectorSpec#sameAs fingerprints}, so a changed token (inline, in
 * an environment variable or in its file) restarts a connector without any secret being kept or
 * shown.
 *
 * <pre>{@code
 * ConnectorChanges c = ConnectorChanges.between(running.connectors(), next.connectors());
 * c.added();       // start (backfill when nothing is stored)
 * c.removed();     // stop; their series go, their stored records stay
 * c.changed();     // stop, then start with the new spec
 * c.unchanged();   // untouched: no restart, no request
 * }</pre>
 *
 * @param added specs of the new config whose names did not run, in config order
 * @param removed names that ran and are no longer configured
 * @param changed specs of the new config whose running namesake differs from them
 * @param unchanged names that run exactly as configured
 */
record ConnectorChanges(
    List<ConnectorSpec> added,
    List<String> removed,
    List<ConnectorSpec> changed,
    List<String> unchanged) {

  /** The changes from the {@code running} connectors to the {@code next} ones. */
  static ConnectorChanges between(List<ConnectorSpec> running, List<ConnectorSpec> next) {
    Map<String, ConnectorSpec> old = new LinkedHashMap<>();
    running.forEach(s -> old.put(s.name(), s));
    List<ConnectorSpec> added = new ArrayList<>();
    List<ConnectorSpec> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (ConnectorSpec s : next) {
      ConnectorSpec was = old.remove(s.name());
      if (was == null) {
        added.add(s);
      } else if (was.sameAs(s)) {
        unchanged.add(s.name());
      } else {
        changed.add(s);
      }
    }
    return new ConnectorChanges(
        List.copyOf(added),
        List.copyOf(old.keySet()),
        List.copyOf(changed),
        List.copyOf(unchanged));
  }

  /** Whether anything starts or stops. */
  boolean any() {
    return !added.isEmpty() || !removed.isEmpty() || !changed.isEmpty();
  }

  @Override
  public String toString() {
    return added.size()
        + " added, "
        + removed.size()
        + " removed, "
        + changed.size()
        + " changed, "
        + unchanged.size()
        + " unchanged";
  }
}
