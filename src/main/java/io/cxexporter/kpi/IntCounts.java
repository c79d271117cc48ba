package io.cxexporter.kpi;

/**
 * How many times each int key was added, minus removed, and how many keys are above zero: the
 * distinct assignees of a window's solved tickets. Open addressing on two int arrays; a key whose
 * count drops to zero stays as a tombstone until the next growth. Not thread-safe.
 */
final class IntCounts {
  private static final int EMPTY = -1;

  private int[] keys;
  private int[] counts;
  private int used;
  private int distinct;

  IntCounts() {
    keys = new int[8];
    counts = new int[8];
    java.util.Arrays.fill(keys, EMPTY);
  }

  /** Adds {@code delta} (1 or -1) to the count of {@code key} (at least 0). */
  void add(int key, int delta) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      if (delta <= 0) {
        return;
      }
      keys[i] = key;
      used++;
    }
    int before = counts[i];
    int after = Math.max(0, before + delta);
    counts[i] = after;
    if (before == 0 && after > 0) {
      distinct++;
    } else if (before > 0 && after == 0) {
      distinct--;
    }
    if (used * 4 >= keys.length * 3) {
      rehash();
    }
  }

  /** Adds every count of {@code other}. */
  void addAll(IntCounts other) {
    for (int i = 0; i < other.keys.length; i++) {
      if (other.keys[i] != EMPTY && other.counts[i] > 0) {
        add(other.keys[i], other.counts[i]);
      }
    }
  }

  /** Keys with a count above zero. */
  int distinct() {
    return distinct;
  }

  private void rehash() {
    int[] k = keys;
    int[] c = counts;
    int live = 0;
    for (int x : c) {
      live += x > 0 ? 1 : 0;
    }
    int len = 8;
    while (len < live * 2 + 8) {
      len <<= 1;
    }
    keys = new int[len];
    counts = new int[len];
    java.util.Arrays.fill(keys, EMPTY);
    used = 0;
    int mask = len - 1;
    for (int j = 0; j < k.length; j++) {
      if (k[j] != EMPTY && c[j] > 0) {
        int i = mix(k[j]) & mask;
        while (keys[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        keys[i] = k[j];
        counts[i] = c[j];
        used++;
      }
    }
  }

  private static int mix(int x) {
    int h = x * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
