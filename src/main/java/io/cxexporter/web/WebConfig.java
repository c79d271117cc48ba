package io.cxexporter.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cxexporter.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The file of {@code --web.config.file}, in the format of the Prometheus exporter-toolkit (<a
 * href="https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md">web-configuration.md</a>),
 * so one file serves node_exporter, blackbox_exporter and cx-exporter alike.
 *
 * <pre>{@code
 * tls_server_config:
 *   cert_file: server.crt          # relative paths are relative to this file
 *   key_file: server.key
 *   client_ca_file: ca.crt         # optional: mutual TLS
 *   client_auth_type: RequireAndVerifyClientCert
 *   min_version: TLS12
 * basic_auth_users:
 *   prometheus: $2y$10$...         # bcrypt hash (htpasswd -nBC 10 "" | tr -d ':\n')
 * http_server_config:
 *   headers:
 *     Strict-Transport-Security: max-age=31536000
 * }</pre>
 *
 * <p>Loading is strict: an unknown key, an unreadable file, a key that does not match its
 * certificate or a malformed bcrypt hash is a {@link ConfigException} naming the key.
 *
 * @param tls the TLS material, or null for plain HTTP
 * @param basicAuthUsers user name to bcrypt hash; empty for no basic auth
 * @param headers headers added to every response
 * @param files every file read, for change detection (this file first)
 */
public record WebConfig(
    Tls.Material tls,
    Map<String, String> basicAuthUsers,
    Map<String, String> headers,
    List<Path> files) {

  /** The exporter-toolkit's {@code client_auth_type} values (Go's {@code tls.ClientAuthType}). */
  public enum ClientAuth {
    NoClientCert(false),
    RequestClientCert(false),
    RequireAnyClientCert(true),
    VerifyClientCertIfGiven(false),
    RequireAndVerifyClientCert(true);

    private final boolean required;

    ClientAuth(boolean required) {
      this.required = required;
    }

    boolean required() {
      return required;
    }

    boolean verifies() {
      return this == VerifyClientCertIfGiven || this == RequireAndVerifyClientCert;
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Set<String> TOP =
      Set.of("tls_server_config", "basic_auth_users", "http_server_config");
  private static final Set<String> TLS_KEYS =
      Set.of(
          "cert_file",
          "key_file",
          "client_ca_file",
          "client_auth_type",
          "min_version",
          "max_version");
  private static final Set<String> HTTP_KEYS = Set.of("headers");
  private static final Map<String, String> VERSIONS =
      Map.of("TLS12", "TLSv1.2", "TLS13", "TLSv1.3");

  /** No TLS, no auth, no extra headers: what runs without {@code --web.config.file}. */
  public static final WebConfig NONE = new WebConfig(null, Map.of(), Map.of(), List.of());

  /**
   * Reads and checks {@code file}.
   *
   * @throws ConfigException every problem, each naming its key
   */
  public static WebConfig load(Path file) throws ConfigException {
    String origin = file.toString();
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(origin, List.of("--web.config.file: no such file"));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          origin,
          List.of("not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")));
    } catch (IOException e) {
      throw new ConfigException(origin, List.of("--web.config.file: cannot read (" + e + ")"));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new WebConfig(null, Map.of(), Map.of(), List.of(file)); // empty file: toolkit allows
    }
    List<String> problems = new ArrayList<>();
    if (!root.isObject()) {
      throw new ConfigException(origin, List.of("expected a mapping at the top level"));
    }
    unknownKeys(root, TOP, "", problems);
    Path dir = file.toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>(List.of(file));
    Tls.Material tls = tls(root.path("tls_server_config"), dir, files, problems);
    Map<String, String> users = users(root.path("basic_auth_users"), problems);
    Map<String, String> headers = headers(root.path("http_server_config"), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(origin, problems);
    }
    return new WebConfig(tls, Map.copyOf(users), Map.copyOf(headers), List.copyOf(files));
  }

  private static Tls.Material tls(JsonNode t, Path dir, List<Path> files, List<String> problems) {
    String w = "tls_server_config";
    if (t.isMissingNode() || t.isNull()) {
      return null;
    }
    if (!t.isObject()) {
      problems.add(w + ": expected a mapping");
      return null;
    }
    unknownKeys(t, TLS_KEYS, w + ".", problems);
    String cert = text(t, "cert_file", w, problems);
    String key = text(t, "key_file", w, problems);
    String ca = text(t, "client_ca_file", w, problems);
    if (cert == null || key == null) {
      problems.add(w + ": cert_file and key_file are both required");
      return null;
    }
    ClientAuth auth = ca == null ? ClientAuth.NoClientCert : ClientAuth.RequireAndVerifyClientCert;
    String authText = text(t, "client_auth_type", w, problems);
    if (authText != null) {
      try {
        auth = ClientAuth.valueOf(authText);
      } catch (IllegalArgumentException e) {
        problems.add(
            w
                + ".client_auth_type: expected one of NoClientCert, RequestClientCert,"
                + " RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert, got \""
                + authText
                + "\"");
      }
    }
    if (auth.verifies() && ca == null) {
      problems.add(w + ".client_ca_file: required by client_auth_type " + auth);
    }
    List<String> protocols = protocols(t, w, problems);
    Path certFile = dir.resolve(cert);
    Path keyFile = dir.resolve(key);
    files.add(certFile);
    files.add(keyFile);
    java.security.KeyStore ks = null;
    java.security.KeyStore ts = null;
    try {
      ks = Tls.keyStore(certFile, keyFile, w);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (ca != null) {
      Path caFile = dir.resolve(ca);
      files.add(caFile);
      try {
        ts = Tls.trustStore(caFile, w + ".client_ca_file");
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    return ks == null ? null : new Tls.Material(ks, auth.verifies() ? ts : null, auth, protocols);
  }

  private static List<String> protocols(JsonNode t, String w, List<String> problems) {
    String min = text(t, "min_version", w, problems);
    String max = text(t, "max_version", w, problems);
    List<String> all = List.of("TLS12", "TLS13");
    int lo = 0;
    int hi = all.size() - 1;
    if (min != null) {
      lo = all.indexOf(min);
      if (lo < 0) {
        problems.add(w + ".min_version: expected TLS12 or TLS13, got \"" + min + "\"");
        lo = 0;
      }
    }
    if (max != null) {
      hi = all.indexOf(max);
      if (hi < 0) {
        problems.add(w + ".max_version: expected TLS12 or TLS13, got \"" + max + "\"");
        hi = all.size() - 1;
      }
    }
    if (lo > hi) {
      problems.add(w + ": min_version " + min + " is above max_version " + max);
    }
    List<String> out = new ArrayList<>();
    for (int i = lo; i <= hi; i++) {
      out.add(VERSIONS.get(all.get(i)));
    }
    return out;
  }

  private static Map<String, String> users(JsonNode u, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (u.isMissingNode() || u.isNull()) {
      return out;
    }
    if (!u.isObject()) {
      problems.add("basic_auth_users: expected a mapping of user name to bcrypt hash");
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = u.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String hash = e.getValue().isTextual() ? e.getValue().asText() : "";
      if (e.getKey().contains(":")) {
        problems.add("basic_auth_users." + e.getKey() + ": a user name cannot contain ':'");
      } else if (!BCRYPT.matcher(hash).matches()) {
        // never echo the value: it may be a plain-text password put there by mistake
        problems.add(
            "basic_auth_users."
                + e.getKey()
                + ": not a bcrypt hash ($2y$10$ and 53 characters; make one with"
                + " htpasswd -nBC 10 \"\" | tr -d ':\\n')");
      } else {
        out.put(e.getKey(), hash);
      }
    }
    return out;
  }

  private static Map<String, String> headers(JsonNode h, List<String> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    if (h.isMissingNode() || h.isNull()) {
      return out;
    }
    if (!h.isObject()) {
      problems.add("http_server_config: expected a mapping");
      return out;
    }
    unknownKeys(h, HTTP_KEYS, "http_server_config.", problems);
    JsonNode hs = h.path("headers");
    if (hs.isMissingNode() || hs.isNull()) {
      return out;
    }
    if (!hs.isObject()) {
      problems.add("http_server_config.headers: expected a mapping of header name to value");
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = hs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      String value = e.getValue().isValueNode() ? e.getValue().asText() : null;
      if (!TOKEN.matcher(name).matches()) {
        problems.add("http_server_config.headers." + name + ": not a valid header name");
      } else if (value == null || value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
        problems.add("http_server_config.headers." + name + ": expected a one-line string");
      } else {
        out.put(name, value);
      }
    }
    return out;
  }

  private static String text(JsonNode n, String key, String where, List<String> problems) {
    JsonNode v = n.path(key);
    if (v.isMissingNode() || v.isNull() || v instanceof MissingNode) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      problems.add(where + "." + key + ": expected a non-empty string");
      return null;
    }
    return v.asText();
  }

  private static void unknownKeys(
      JsonNode n, Set<String> known, String prefix, List<String> problems) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        problems.add(
            prefix
                + k
                + ": unknown key (supported here: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }
}
