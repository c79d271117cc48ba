package io.cxexporter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A digest of a block of the YAML config as the exporter would read it: every value with its {@code
 * ${ENV}} references resolved, and the bytes of every file a {@code *_file} key names (a token file
 * rewritten by a secret manager changes it). Key order does not count. A reload compares
 * fingerprints to tell which connectors changed.
 *
 * <p>The digest is an HMAC-SHA256 under a key drawn at random when the process starts, so it only
 * compares within one process and reveals nothing of the secrets it covers, even to a guess.
 *
 * <pre>{@code
 * String before = Fingerprint.of(block, baseDir, System::getenv);
 * // ... token_file rewritten ...
 * Fingerprint.of(block, baseDir, System::getenv).equals(before);   // false
 * }</pre>
 */
public final class Fingerprint {
  private static final Pattern ENV = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final byte[] KEY = new byte[32];

  static {
    new SecureRandom().nextBytes(KEY);
  }

  private final Mac mac;
  private final Path baseDir;
  private final Function<String, String> env;

  private Fingerprint(Path baseDir, Function<String, String> env) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
    this.baseDir = baseDir;
    this.env = env;
  }

  /**
   * The fingerprint of {@code tree} (parsed YAML: maps, lists, scalars).
   *
   * @param baseDir where relative {@code *_file} paths are resolved
   * @param env looks up environment variables
   */
  public static String of(Object tree, Path baseDir, Function<String, String> env) {
    Fingerprint f = new Fingerprint(baseDir, env);
    f.add(null, tree);
    return HexFormat.of().formatHex(f.mac.doFinal());
  }

  private void add(String key, Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
      tag('M', sorted.size());
      sorted.forEach(
          (k, x) -> {
            text(k);
            add(k, x);
          });
    } else if (v instanceof List<?> l) {
      tag('L', l.size());
      l.forEach(x -> add(null, x));
    } else if (v instanceof String s) {
      String value = substitute(s);
      tag('S', 0);
      text(value);
      if (key != null && key.endsWith("_file")) {
        file(value);
      }
    } else if (v == null) {
      tag('N', 0);
    } else {
      tag(v instanceof Boolean ? 'B' : '#', 0);
      text(v.toString());
    }
  }

  private void file(String path) {
    try {
      byte[] bytes = Files.readAllBytes(baseDir.resolve(path));
      tag('F', bytes.length);
      mac.update(bytes);
    } catch (IOException | RuntimeException e) {
      tag('X', 0); // unreadable: validation reports it
    }
  }

  private String substitute(String s) {
    if (s.indexOf('$') < 0) {
      return s;
    }
    Matcher m = ENV.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String rep = m.group(1) == null ? "$" : env.apply(m.group(1));
      // a missing variable fails validation; \0 keeps it apart from an empty one
      m.appendReplacement(sb, Matcher.quoteReplacement(rep == null ? "\0" : rep));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private void tag(char t, int n) {
    mac.update((byte) t);
    mac.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
  }

  private void text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    tag('T', b.length);
    mac.update(b);
  }
}
