package io.cxexporter.util;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of strings that many records repeat (channels, tags, group names), so the KPI
 * engine's per-ticket state does not hold thousands of equal strings. Bounded: past {@code max}
 * distinct values, new ones are returned as they are, never retained.
 *
 * <pre>{@code
 * Interner shared = new Interner(10_000);
 * String channel = shared.intern(json.path("channel").asText());
 * }</pre>
 */
public final class Interner {
  private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();
  private final int max;

  /** An interner that keeps at most {@code max} distinct values. */
  public Interner(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
    this.max = max;
  }

  /** The shared copy of {@code s} (null stays null). */
  public String intern(String s) {
    if (s == null) {
      return null;
    }
    String known = values.get(s);
    if (known == null && values.size() < max) {
      known = values.putIfAbsent(s, s);
    }
    return known != null ? known : s;
  }
}
