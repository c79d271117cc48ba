package io.cxexporter.kpi;

import java.util.HashSet;
import java.util.Set;

/**
 * Bounds the values of one label: the first {@code max} distinct values keep their name, every
 * later one becomes {@code other}. A missing value is {@code none}. Keeps a vendor with 5,000
 * groups from exploding the series count.
 */
final class LabelCap {
  static final String OTHER = "other";
  static final String NONE = "none";

  private final int max;
  private final Set<String> admitted = new HashSet<>();

  LabelCap(int max) {
    this.max = max;
  }

  String admit(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    if (admitted.contains(value)) {
      return value;
    }
    if (admitted.size() < max) {
      admitted.add(value);
      return value;
    }
    return OTHER;
  }
}
