package io.cxexporter.model;

import java.util.Locale;
import java.util.Optional;

/** Vendor-neutral ticket priority. */
public enum Priority {
  LOW,
  NORMAL,
  HIGH,
  URGENT;

  /** The label value, e.g. {@code urgent}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code low|normal|high|urgent} in any case; anything else is empty. */
  public static Optional<Priority> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (Priority p : values()) {
      if (p.name().equalsIgnoreCase(s.trim())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
