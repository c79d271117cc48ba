package io.cxexporter.config;

import java.util.List;

/**
 * The {@code tag} label of the ticket series ({@code kpi.tags}). Tags are many per ticket, so a
 * ticket counts once in the series of each of its tag values, and once (untagged) in the series
 * without a tag value; series of different tag values must never be summed.
 *
 * <pre>{@code
 * kpi:
 *   tags: {allow: [vip, refund, bug]}   # exactly these tags get their own series
 *   tags: {max_values: 20}              # the 20 most frequent tags; the rest are "other"
 * }</pre>
 *
 * @param allow the tags that get their own value, case-sensitive; empty: the {@code maxValues} most
 *     frequent tags do (by tickets carrying them, ties by name), the rest fold into {@code other}
 * @param maxValues how many tags keep their own value when {@code allow} is empty (1..100); with
 *     {@code allow}, at least its size
 */
public record TagConfig(List<String> allow, int maxValues) {
  /** The default of {@code kpi.tags.max_values}. */
  public static final int DEFAULT_MAX_VALUES = 20;

  public TagConfig {
    allow = List.copyOf(allow);
  }
}
