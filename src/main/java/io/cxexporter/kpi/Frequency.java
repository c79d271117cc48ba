package io.cxexporter.kpi;

import java.util.ArrayList;
import java.util.List;

/**
 * The ranking shared by the capped labels ({@link LabelCap}) and the {@code tag} values ({@link
 * TagLabels}): the values counted now, most frequent first, ties by name. It depends on the counts
 * alone, never on the order the values were first seen, so the same stored records give the same
 * kept set after every restart.
 */
final class Frequency {
  private Frequency() {}

  /**
   * The ids {@code 0 .. n-1} with a count above 0, most frequent first, ties by name.
   *
   * @param counts per id: how many records the engine keeps carry it
   * @param names per id: its name
   */
  static List<Integer> rank(int[] counts, List<String> names, int n) {
    List<Integer> present = new ArrayList<>();
    for (int id = 0; id < n; id++) {
      if (counts[id] > 0) {
        present.add(id);
      }
    }
    present.sort(
        (a, b) ->
            counts[a] != counts[b]
                ? Integer.compare(counts[b], counts[a])
                : names.get(a).compareTo(names.get(b)));
    return present;
  }
}
