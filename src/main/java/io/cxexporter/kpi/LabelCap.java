package io.cxexporter.kpi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bounds the values of one label of one source ({@code kpi.max_label_values}): the {@code max}
 * values carried by most of the records the engine keeps (tickets open or solved within the longest
 * window, and surveys with their own value) keep their name, ties by name; every other value
 * becomes {@code other}. A missing value is {@code none}. Keeps a vendor with 5,000 groups from
 * exploding the series count, and the kept set depends on the stored records alone, not on the
 * order they were read in (see {@link Frequency}).
 *
 * <p>The set is recomputed by {@link #rank()} at each refresh. Between two ranks a value not seen
 * at the last one keeps its name while the set has room, else it is {@code other} until the next.
 *
 * <p>Every dimension value (and {@code tag} value) enters the engine through {@link #clip}, so no
 * label value is longer than {@link #MAX_LENGTH} characters.
 */
final class LabelCap {
  static final String OTHER = "other";
  static final String NONE = "none";

  /** The longest label value kept whole; a longer one is cut and ends with {@link #MARKER}. */
  static final int MAX_LENGTH = 256;

  static final String MARKER = "…";

  private final int max;
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();

  /** Per value id: how many records kept carry it. */
  private int[] counts = new int[16];

  private Set<String> kept = new HashSet<>();
  private int folded;

  LabelCap(int max) {
    this.max = max;
  }

  /**
   * A label value as the engine keeps it: null for a missing or blank one, else at most {@link
   * #MAX_LENGTH} characters (the first 255 and {@link #MARKER}, not splitting a surrogate pair).
   */
  static String clip(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() <= MAX_LENGTH) {
      return value;
    }
    int end = MAX_LENGTH - MARKER.length();
    if (Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end) + MARKER;
  }

  /**
   * A record carrying {@code value} (a {@link #clip}ped one) entered (1) or left (-1) the tables.
   */
  void count(String value, int delta) {
    if (value == null) {
      return;
    }
    Integer id = ids.get(value);
    if (id == null) {
      id = names.size();
      ids.put(value, id);
      names.add(value);
      if (id == counts.length) {
        counts = Arrays.copyOf(counts, id * 2);
      }
    }
    counts[id] += delta;
  }

  /** The label of a {@link #clip}ped value: itself when kept, {@code none} or {@code other}. */
  String label(String value) {
    if (value == null) {
      return NONE;
    }
    if (kept.contains(value)) {
      return value;
    }
    if (kept.size() < max) {
      kept.add(value);
      return value;
    }
    return OTHER;
  }

  /** The label of a raw value: {@link #label} of its {@link #clip}. */
  String admit(String value) {
    return label(clip(value));
  }

  /**
   * Recomputes the kept set from the records counted now; returns whether it changed, so the labels
   * already handed out must be recomputed.
   */
  boolean rank() {
    List<Integer> ranked = Frequency.rank(counts, names, names.size());
    Set<String> next = new HashSet<>();
    for (int i = 0; i < ranked.size() && i < max; i++) {
      next.add(names.get(ranked.get(i)));
    }
    folded = Math.max(0, ranked.size() - max);
    boolean changed = !next.equals(kept);
    kept = next;
    return changed;
  }

  /** Distinct values counted now that the last {@link #rank()} folded into {@code other}. */
  int folded() {
    return folded;
  }

  /** The values kept now (for tests). */
  Set<String> kept() {
    return Set.copyOf(kept);
  }
}
