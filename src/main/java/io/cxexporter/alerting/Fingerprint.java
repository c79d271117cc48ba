package io.cxexporter.alerting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Stable ids for label sets: 16 hex digits of the SHA-256 of {@code name=value} lines, sorted. */
final class Fingerprint {
  private Fingerprint() {}

  static String of(Map<String, String> labels) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(labels).forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
