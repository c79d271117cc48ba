package io.cxexporter.alerting;

import java.time.Duration;
import java.util.Locale;

/** Numbers and durations as people read them in alerts: {@code 0.85}, {@code 3h 12m}. */
public final class Format {
  private Format() {}

  /** At most 4 significant decimals, no trailing zeros: {@code 200}, {@code 0.85}. */
  public static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  /** {@code 2d 3h}, {@code 3h 12m}, {@code 45m}, {@code 30s}: the two largest units. */
  public static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    long days = s / 86400;
    long hours = s % 86400 / 3600;
    long minutes = s % 3600 / 60;
    if (days > 0) {
      return hours > 0 ? days + "d " + hours + "h" : days + "d";
    }
    if (hours > 0) {
      return minutes > 0 ? hours + "h " + minutes + "m" : hours + "h";
    }
    return minutes > 0 ? minutes + "m" : s + "s";
  }
}
