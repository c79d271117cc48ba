package io.cxexporter.kpi;

import io.cxexporter.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code assignee} label under {@code kpi.assignee_label: hash}: the first 12 hex digits (48
 * bits) of HMAC-SHA256 of the assignee's name under {@code kpi.assignee_hash_key}. The same name
 * and key give the same label on every start; without the key a label cannot be traced back to a
 * name by hashing a list of names. Not thread-safe (the KPI engine holds its lock).
 */
final class AssigneeHash {
  private final Mac mac;
  private final Map<String, String> labels = new HashMap<>();

  AssigneeHash(Secret key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The label of a name; null stays null (no assignee is {@code none}). */
  String label(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    return labels.computeIfAbsent(
        name, n -> HexFormat.of().formatHex(mac.doFinal(n.getBytes(StandardCharsets.UTF_8)), 0, 6));
  }
}
