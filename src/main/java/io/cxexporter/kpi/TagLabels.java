package io.cxexporter.kpi;

import io.cxexporter.config.TagConfig;
import io.cxexporter.model.Ticket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code tag} label values of one source ({@code kpi.tags}). A ticket's tags are kept as ids in
 * a dictionary of raw tags; which of them keep their own label is decided by {@link #rank()}:
 *
 * <ul>
 *   <li>with {@code allow}: exactly the allowed tags (the others are not read at all);
 *   <li>else the {@code max_values} tags carried by most of the tickets the engine keeps (open, or
 *       solved within the longest window), ties by name, so the choice depends on the stored
 *       records alone, not on the order they were read in; every other tag becomes {@code other}.
 * </ul>
 *
 * <p>A ticket's label values are its tags' labels without repeats, or {@code none} when that leaves
 * none. {@code none} is always a label value, so its counters start at 0 like the others.
 */
final class TagLabels {
  private static final int[] NO_TAGS = new int[0];

  private final TagConfig config;
  private final Set<String> allow;

  private final Map<String, Integer> rawIds = new HashMap<>();
  private final List<String> rawNames = new ArrayList<>();

  /** Per raw id: how many indexed tickets carry it. */
  private int[] counts = new int[16];

  /** Per raw id: its label index; ids new since the last rank are {@code other} unless allowed. */
  private int[] rawToLabel = NO_TAGS;

  private boolean ranked;

  /** Distinct tags counted now that the last {@link #rank()} folded into {@code other}. */
  int folded;

  /** Label values by index: every value handed out so far. */
  final List<String> labels = new ArrayList<>();

  private final Map<String, Integer> labelIndex = new HashMap<>();

  /** Label values not yet reported by {@link KpiEngine#drainNewLabels()}. */
  final List<String> newLabels = new ArrayList<>();

  TagLabels(TagConfig config) {
    this.config = config;
    this.allow = new HashSet<>(config.allow());
  }

  /** The ids of a ticket's tags worth keeping: distinct, not blank, allowed when listed. */
  int[] rawIds(Ticket t) {
    if (t.tags().isEmpty()) {
      return NO_TAGS;
    }
    int[] out = new int[t.tags().size()];
    int n = 0;
    for (String value : t.tags()) {
      String tag = LabelCap.clip(value);
      if (tag == null || tag.isBlank() || (!allow.isEmpty() && !allow.contains(tag))) {
        continue;
      }
      Integer id = rawIds.get(tag);
      if (id == null) {
        id = rawNames.size();
        rawIds.put(tag, id);
        rawNames.add(tag);
        if (id == counts.length) {
          counts = Arrays.copyOf(counts, id * 2);
        }
      }
      if (!contains(out, n, id)) {
        out[n++] = id;
      }
    }
    return n == 0 ? NO_TAGS : Arrays.copyOf(out, n);
  }

  /** A ticket's tags entered ({@code delta} 1) or left ({@code -1}) the engine's tables. */
  void count(int[] raw, int delta) {
    for (int id : raw) {
      counts[id] += delta;
    }
  }

  /**
   * Recomputes which tags keep their own label, from the tickets counted now; returns whether a tag
   * carried by a counted ticket now maps to another label than {@link #labelsOf} gave it before.
   */
  boolean rank() {
    int n = rawNames.size();
    int[] before = new int[n];
    for (int id = 0; id < n; id++) {
      Integer l =
          id < rawToLabel.length
              ? Integer.valueOf(rawToLabel[id])
              : labelIndex.get(allow.isEmpty() ? LabelCap.OTHER : rawNames.get(id));
      before[id] = ranked && l != null ? l : -1;
    }
    ranked = true;
    int[] map = new int[n];
    label(LabelCap.NONE); // always a value, so its series exist from the start
    if (!allow.isEmpty()) {
      for (int id = 0; id < n; id++) {
        map[id] = label(rawNames.get(id));
      }
    } else {
      List<Integer> present = Frequency.rank(counts, rawNames, n);
      int other = -1;
      Arrays.fill(map, -1);
      for (int i = 0; i < present.size(); i++) {
        int id = present.get(i);
        if (i < config.maxValues()) {
          map[id] = label(rawNames.get(id));
        } else {
          map[id] = other < 0 ? other = label(LabelCap.OTHER) : other;
        }
      }
      folded = Math.max(0, present.size() - config.maxValues());
      for (int id = 0; id < n; id++) {
        if (map[id] < 0) {
          map[id] = other < 0 ? other = label(LabelCap.OTHER) : other;
        }
      }
    }
    rawToLabel = map;
    for (int id = 0; id < n; id++) {
      if (counts[id] > 0 && before[id] != map[id]) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes the label indexes of a ticket's raw tag ids into {@code out} (at least as long as {@code
   * raw}, and 1), without repeats; returns how many.
   */
  int labelsOf(int[] raw, int[] out) {
    if (!ranked) {
      rank();
    }
    int n = 0;
    for (int id : raw) {
      int l =
          id < rawToLabel.length
              ? rawToLabel[id]
              : label(allow.isEmpty() ? LabelCap.OTHER : rawNames.get(id));
      if (!contains(out, n, l)) {
        out[n++] = l;
      }
    }
    if (n == 0) {
      out[n++] = label(LabelCap.NONE);
    }
    return n;
  }

  /** A ticket's label values, for its transitions. */
  List<String> names(int[] raw) {
    int[] out = new int[Math.max(1, raw.length)];
    int n = labelsOf(raw, out);
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(labels.get(out[i]));
    }
    return List.copyOf(names);
  }

  /** The index of a label value, added (and reported as new) when first used. */
  int label(String value) {
    Integer i = labelIndex.get(value);
    if (i == null) {
      i = labels.size();
      labels.add(value);
      labelIndex.put(value, i);
      newLabels.add(value);
    }
    return i;
  }

  private static boolean contains(int[] a, int n, int v) {
    for (int i = 0; i < n; i++) {
      if (a[i] == v) {
        return true;
      }
    }
    return false;
  }
}
