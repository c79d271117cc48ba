package io.cxexporter.web;

import java.time.Duration;

/** HTML escaping and small formatting helpers for the status page. */
final class Html {
  private Html() {}

  /** Escapes text for an HTML element or a quoted attribute. Null becomes empty. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** {@code 3d 4h}, {@code 1h 12m}, {@code 4m 10s}; an en dash for NaN. */
  static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "\u2013";
    }
    long s = Math.round(seconds);
    Duration d = Duration.ofSeconds(s);
    if (d.toDays() > 0) {
      return d.toDays() + "d " + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h " + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }
    return s + "s";
  }

  /** {@code 87.5%}; an en dash for NaN. */
  static String percent(double ratio) {
    return Double.isNaN(ratio)
        ? "\u2013"
        : String.format(java.util.Locale.ROOT, "%.1f%%", ratio * 100);
  }

  /** A whole number or one decimal; an en dash for NaN. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "\u2013";
    }
    return v == Math.rint(v)
        ? Long.toString((long) v)
        : String.format(java.util.Locale.ROOT, "%.1f", v);
  }
}
